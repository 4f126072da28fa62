package org.imagegen.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Directives a prompt may carry to steer the simulator for that one generation, so that tests and people trying a
 * pipeline can produce each outcome on purpose:
 * <ul>
 *   <li>{@code sim:fail} fails every attempt; {@code sim:fail-once} fails the first and succeeds on retry;</li>
 *   <li>{@code sim:censor} censors it; {@code sim:never} never finishes;</li>
 *   <li>{@code sim:<point>-<fault>x<N>}: the first N calls at that point answer with that {@link Fault}. Points:
 *       {@code create}, {@code check} (status checks; the default, so {@code sim:503x2} is
 *       {@code sim:check-503x2}), {@code find} (the search for a create whose answer was lost; all-images only) and
 *       {@code image} (downloads of the generation's last image, so the others arrive) and {@code estimate}
 *       (RenderNet's estimate before a create). Several faults at one point
 *       apply one after the other, in the order written; unknown faults, and image faults at other points, are
 *       ignored;</li>
 *   <li>{@code sim:retry-after=N}: the seconds a 429 asks to wait (default 1);</li>
 *   <li>{@code sim:create-lost} creates the generation but drops the connection before answering, once;</li>
 *   <li>{@code sim:ms=1500} takes that many milliseconds;</li>
 *   <li>{@code sim:foreign-images} serves the images under another host name (localhost instead of 127.0.0.1),
 *       as a hijacked answer pointing elsewhere would;</li>
 *   <li>{@code sim:redirects=N} (all-images) serves each image behind N redirects on the simulator's own host,
 *       {@code sim:redirect-loop} behind a redirect to itself, and {@code sim:redirect-foreign} behind one redirect to
 *       another host name (localhost).</li>
 * </ul>
 */
public record Scenario(boolean fail, boolean failOnce, boolean censor, boolean never, boolean createLost,
                       Long durationMs, boolean foreignImages, int retryAfterSeconds,
                       Map<String, List<Injection>> faults, String redirects, boolean redirectForeign) {

    /** Where a simulator can inject a fault. */
    public static final String CREATE = "create";
    public static final String CHECK = "check";
    public static final String FIND = "find";
    public static final String IMAGE = "image";
    public static final String ESTIMATE = "estimate";

    /** One fault, for the first {@code times} calls (after the faults written before it at the same point). */
    public record Injection(Fault fault, int times) {
    }

    private static final Pattern FAULT = Pattern.compile(
            "sim:(?:(create|check|find|image|estimate)-)?([a-z0-9]+)x(\\d{1,4})(?![\\w-])");
    private static final Pattern DURATION = Pattern.compile("sim:ms=(\\d{1,7})");
    private static final Pattern RETRY_AFTER = Pattern.compile("sim:retry-after=(\\d{1,5})");
    private static final Pattern REDIRECTS = Pattern.compile("sim:redirects=(\\d{1,2})");

    public static Scenario of(String prompt) {
        String p = prompt == null ? "" : prompt;
        Map<String, List<Injection>> faults = new LinkedHashMap<>();
        Matcher m = FAULT.matcher(p);
        while (m.find()) {
            Fault fault = Fault.of(m.group(2));
            String point = m.group(1) == null ? CHECK : m.group(1);
            if (fault != null && (!fault.imageOnly() || point.equals(IMAGE))) {
                faults.computeIfAbsent(point, k -> new ArrayList<>()).add(new Injection(fault, Integer.parseInt(m.group(3))));
            }
        }
        Matcher d = DURATION.matcher(p);
        Long duration = d.find() ? Long.parseLong(d.group(1)) : null;
        Matcher r = RETRY_AFTER.matcher(p);
        int retryAfter = r.find() ? Integer.parseInt(r.group(1)) : 1;
        faults.replaceAll((k, v) -> List.copyOf(v));
        Matcher redirectCount = REDIRECTS.matcher(p);
        boolean redirectForeign = p.contains("sim:redirect-foreign");
        String redirects = p.contains("sim:redirect-loop") ? "loop"
                : redirectCount.find() ? redirectCount.group(1) : redirectForeign ? "1" : null;
        return new Scenario(p.matches("(?s).*sim:fail(?!-).*"), p.contains("sim:fail-once"), p.contains("sim:censor"),
                p.contains("sim:never"), p.contains("sim:create-lost"), duration, p.contains("sim:foreign-images"),
                retryAfter, Collections.unmodifiableMap(faults), redirects, redirectForeign);
    }

    /** The faults to inject at a point, in order; empty when none. */
    public List<Injection> at(String point) {
        return faults.getOrDefault(point, List.of());
    }
}
