package org.imagegen.provider.definition;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.imagegen.support.Settings;

/** Reading a definition's string properties: lists, numbers, status codes, methods; errors name the property. */
final class DefinitionValues {

    private DefinitionValues() {
    }

    static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String method(String configured, String fallback) {
        return blank(configured) ? fallback : configured.strip().toUpperCase(Locale.ROOT);
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    static String required(String value, String property) {
        if (blank(value)) {
            throw new IllegalArgumentException(property + ": required");
        }
        return value;
    }

    static List<String> list(String commaSeparated) {
        return Settings.list(commaSeparated);
    }

    static Integer number(String value, String property) {
        if (blank(value)) {
            return null;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + ": '" + value + "' is not a whole number of at least 1");
        }
    }

    static Set<Integer> statuses(String value, String fallback, String property) {
        try {
            return Set.copyOf(list(blank(value) ? fallback : value).stream().map(Integer::valueOf).toList());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + ": '" + value + "' is not a list of HTTP status codes");
        }
    }
}
