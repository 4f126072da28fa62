package org.imagegen.console;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

import org.imagegen.job.JobSearch;
import org.imagegen.job.JobState;

/**
 * The jobs page's filters, from its query parameters: {@code state} (one or a comma list), {@code provider},
 * {@code route}, {@code from} and {@code to} (accepted from, inclusive, and to, exclusive: an ISO-8601 instant, epoch
 * milliseconds, or a date, taken as midnight UTC), {@code id} (a job's id or the start of it) and {@code limit}. A bad
 * value is an {@link IllegalArgumentException} whose message starts with the parameter's name.
 */
public final class JobFilters {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 500;
    private static final int MAX_ID = 128;

    private final Supplier<Collection<String>> providers;
    private final Supplier<Collection<String>> routes;

    /** {@code providers} and {@code routes}: the names a filter may name (asked each time: providers join at start). */
    public JobFilters(Supplier<Collection<String>> providers, Supplier<Collection<String>> routes) {
        this.providers = providers;
        this.routes = routes;
    }

    /** The providers a filter may name, sorted (the page's choices). */
    public List<String> providers() {
        return providers.get().stream().sorted().toList();
    }

    /** The routes a filter may name, sorted. */
    public List<String> routes() {
        return routes.get().stream().sorted().toList();
    }

    /** A search and how many jobs to show at most. */
    public record Query(JobSearch search, int limit) {
    }

    /** {@code parameter} answers a query parameter's value, or null when it is absent. */
    public Query parse(Function<String, String> parameter) {
        List<JobState> states = new ArrayList<>();
        String state = blankToNull(parameter.apply("state"));
        if (state != null) {
            for (String s : state.split(",")) {
                try {
                    states.add(JobState.valueOf(s.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("state: '" + s.strip() + "' is not a job state; expected one of "
                            + List.of(JobState.values()), e);
                }
            }
        }
        String provider = named("provider", parameter.apply("provider"), providers.get());
        String route = named("route", parameter.apply("route"), routes.get());
        Long from = instant("from", parameter.apply("from"));
        Long to = instant("to", parameter.apply("to"));
        if (from != null && to != null && from >= to) {
            throw new IllegalArgumentException("to: must be after from (" + Instant.ofEpochMilli(from) + ")");
        }
        String id = blankToNull(parameter.apply("id"));
        if (id != null && id.length() > MAX_ID) {
            throw new IllegalArgumentException("id: longer than a job's id can be (" + MAX_ID + " characters)");
        }
        return new Query(new JobSearch(states, provider, route, from, to, id), limit(parameter.apply("limit")));
    }

    private static String named(String parameter, String value, Collection<String> known) {
        String name = blankToNull(value);
        if (name != null && !known.contains(name)) {
            throw new IllegalArgumentException(parameter + ": '" + name + "' is not a " + parameter
                    + "; expected one of " + known.stream().sorted().toList());
        }
        return name;
    }

    private static Long instant(String parameter, String value) {
        String text = blankToNull(value);
        if (text == null) {
            return null;
        }
        if (text.matches("\\d{1,15}")) {
            return Long.parseLong(text);
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()
                    : Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(parameter + ": '" + text + "' is neither an ISO-8601 instant "
                    + "(2026-01-31T12:00:00Z), a date (2026-01-31) nor epoch milliseconds", e);
        }
    }

    private static int limit(String value) {
        String text = blankToNull(value);
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit: '" + text + "' is not a whole number from 1 to " + MAX_LIMIT);
        }
        return limit;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
