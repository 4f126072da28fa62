package org.imagegen.provider.definition;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.imagegen.support.Settings;

/** Reading a definition's string properties: lists, numbers, status codes, methods; errors name the property. */
final class DefinitionValues {

    private DefinitionValues() {
    }

    static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * A path or URL without the query parameters whose value is empty ({@code ?fal_webhook=} once
     * {@code ${webhookUrl}} was replaced by nothing, webhooks being off); without the {@code ?} when none is left.
     */
    static String withoutEmptyParameters(String pathOrUrl) {
        int query = pathOrUrl.indexOf('?');
        if (query < 0) {
            return pathOrUrl;
        }
        int fragment = pathOrUrl.indexOf('#', query);
        String end = fragment < 0 ? "" : pathOrUrl.substring(fragment);
        String kept = Arrays.stream(pathOrUrl.substring(query + 1, fragment < 0 ? pathOrUrl.length() : fragment)
                        .split("&")).filter(p -> !p.isEmpty() && !p.endsWith("="))
                .collect(Collectors.joining("&"));
        return pathOrUrl.substring(0, query) + (kept.isEmpty() ? "" : "?" + kept) + end;
    }

    /** A full URL's path and query (a path below the base URL); a path as it is. */
    static String pathOf(String pathOrUrl) {
        if (!pathOrUrl.startsWith("http://") && !pathOrUrl.startsWith("https://")) {
            return pathOrUrl;
        }
        URI full = URI.create(pathOrUrl);
        return (full.getRawPath() == null || full.getRawPath().isEmpty() ? "/" : full.getRawPath())
                + (full.getRawQuery() == null ? "" : "?" + full.getRawQuery());
    }

    static String method(String configured, String fallback) {
        return blank(configured) ? fallback : configured.strip().toUpperCase(Locale.ROOT);
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** A switch: {@code true} (also when blank) or {@code false}; anything else is refused by property. */
    static boolean on(String value, String property) {
        return switch (blank(value) ? "true" : value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(property + ": '" + value + "' is not true or false");
        };
    }

    /**
     * Whether {@code path} (the property a section hangs on) is declared; when it is not, the section's other
     * properties ({@code others}, named {@code names}) must not be either: a part of a section is refused, not ignored.
     */
    static boolean declared(String path, String property, String names, String... others) {
        if (!blank(path)) {
            return true;
        }
        if (Arrays.stream(others).anyMatch(other -> !blank(other))) {
            throw new IllegalArgumentException(property + ": required with " + names);
        }
        return false;
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

    /** A duration ({@code 500ms}, {@code 120s}, {@code 2m}) in milliseconds, at least 1; null when blank. */
    static Long duration(String value, String property) {
        if (blank(value)) {
            return null;
        }
        try {
            long millis = org.imagegen.support.Durations.millis(value.strip());
            if (millis < 1) {
                throw new IllegalArgumentException("'" + value + "' is not a duration of at least 1ms");
            }
            return millis;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
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
