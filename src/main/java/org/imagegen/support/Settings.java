package org.imagegen.support;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

import org.apache.camel.CamelContext;

/** The bundle's settings as Camel resolves them: config/application.properties, overridden by -D and environment. */
public final class Settings {

    private Settings() {
    }

    /** A setting every shipped configuration has; its value without surrounding blanks. */
    public static String required(CamelContext context, String key) {
        return context.getPropertiesComponent().resolveProperty(key)
                .orElseThrow(() -> new IllegalStateException("missing setting " + key
                        + " (config/application.properties)"))
                .strip();
    }

    /** A duration setting ({@code 500ms}, {@code 2s}, {@code 10m}) in milliseconds; an error names the key. */
    public static long millis(CamelContext context, String key) {
        return duration(context, key).toMillis();
    }

    /** A duration setting every shipped configuration has; an error names the key. */
    public static Duration duration(CamelContext context, String key) {
        return duration(key, required(context, key));
    }

    /**
     * A duration setting, {@code fallback} where it is not set (a settings file older than the setting); an error
     * names the key.
     */
    public static Duration duration(CamelContext context, String key, String fallback) {
        return duration(key, context.getPropertiesComponent().resolveProperty(key).orElse(fallback));
    }

    private static Duration duration(String key, String value) {
        try {
            return Durations.parse(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    /**
     * A comma list as settings write them ({@code a, b,c}): items stripped, blanks and repeats dropped, in order.
     * Null or blank: an empty list.
     */
    public static List<String> list(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return List.of();
        }
        return List.copyOf(new LinkedHashSet<>(Arrays.stream(commaSeparated.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList()));
    }
}
