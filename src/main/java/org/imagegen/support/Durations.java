package org.imagegen.support;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the duration style used in config/application.properties: {@code 500ms}, {@code 2s}, {@code 10m}, {@code 1h}. */
public final class Durations {

    private static final Pattern FORMAT = Pattern.compile("\\s*(\\d+)\\s*(ms|s|m|h|d)?\\s*");

    private Durations() {
    }

    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("duration is missing");
        }
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 2s, 10m or 1h");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    public static long millis(String text) {
        return parse(text).toMillis();
    }
}
