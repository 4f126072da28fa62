package org.imagegen.delivery;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a job's images go inside a sink's root, as a relative path such as {@code {date}/{id}} or
 * {@code {metadata.campaign}/{id}}. Placeholders: {@code {id}} (the job key), {@code {provider}}, {@code {date}}
 * (yyyy-MM-dd, UTC, of the generation's completion), {@code {year}}, {@code {month}}, {@code {day}},
 * {@code {metadata.<field>}} (a top-level metadata value; {@code _} when absent).
 * <p>
 * It can never leave the root: the literal text may hold only letters, digits, {@code . - _} and {@code /}
 * (checked at start), and every substituted value is reduced to letters, digits, {@code . - _}, may not start
 * with a dot and so is never {@code .} or {@code ..}: a value cannot add a path separator or climb out.
 */
public final class FolderPattern {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+(?:\\.[A-Za-z0-9_-]+)?)}");
    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._/-]*");

    private final String pattern;

    public FolderPattern(String pattern, String key) {
        String p = pattern == null || pattern.isBlank() ? "{id}" : pattern.strip();
        String literal = PLACEHOLDER.matcher(p).replaceAll("x");
        if (!LITERAL.matcher(literal).matches() || p.startsWith("/") || p.endsWith("/")) {
            throw new IllegalArgumentException(key + ": '" + p + "' may hold only letters, digits, . - _ and / besides"
                    + " {placeholders}, and may not start or end with /");
        }
        for (String segment : literal.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(key + ": '" + p + "' has an empty, '.' or '..' path segment");
            }
        }
        Matcher m = PLACEHOLDER.matcher(p);
        while (m.find()) {
            String name = m.group(1);
            if (!name.startsWith("metadata.") && !List.of("id", "provider", "date", "year", "month", "day").contains(name)) {
                throw new IllegalArgumentException(key + ": unknown placeholder {" + name + "}; expected {id}, {provider},"
                        + " {date}, {year}, {month}, {day} or {metadata.<field>}");
            }
        }
        this.pattern = p;
    }

    public String pattern() {
        return pattern;
    }

    /** The job's folder, relative to the sink's root, separated by '/'. */
    public String folder(String id, String provider, long completedAt, Map<String, Object> metadata) {
        ZonedDateTime at = Instant.ofEpochMilli(completedAt).atZone(ZoneOffset.UTC);
        Matcher m = PLACEHOLDER.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = switch (name) {
                case "id" -> id;
                case "provider" -> provider;
                case "date" -> String.format("%04d-%02d-%02d", at.getYear(), at.getMonthValue(), at.getDayOfMonth());
                case "year" -> String.format("%04d", at.getYear());
                case "month" -> String.format("%02d", at.getMonthValue());
                case "day" -> String.format("%02d", at.getDayOfMonth());
                default -> {
                    Object v = metadata == null ? null : metadata.get(name.substring("metadata.".length()));
                    yield v instanceof Map || v instanceof List ? null : v == null ? null : String.valueOf(v);
                }
            };
            m.appendReplacement(out, Matcher.quoteReplacement(safe(value)));
        }
        m.appendTail(out);
        List<String> segments = new ArrayList<>(List.of(out.toString().split("/")));
        for (String s : segments) {
            // unreachable by construction; the last line of defence for a path that must stay inside the root
            if (s.isEmpty() || s.equals(".") || s.equals("..")) {
                throw new IllegalStateException("folder pattern " + pattern + " produced '" + out + "'");
            }
        }
        return out.toString();
    }

    /** One path segment's worth of a value: safe characters only, never empty, never starting with a dot. */
    static String safe(String value) {
        if (value == null || value.isEmpty()) {
            return "_";
        }
        String s = value.replaceAll("[^A-Za-z0-9._-]", "_");
        if (s.length() > 100) {
            s = s.substring(0, 100);
        }
        return s.startsWith(".") ? "_" + s.substring(1) : s;
    }
}
