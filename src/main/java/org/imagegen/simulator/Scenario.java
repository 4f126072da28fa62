package org.imagegen.simulator;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Directives a prompt may carry to steer the simulator for that one generation, so that tests and people trying a
 * pipeline can produce each outcome on purpose:
 * <ul>
 *   <li>{@code sim:fail} fails every attempt; {@code sim:fail-once} fails the first and succeeds on retry;</li>
 *   <li>{@code sim:censor} censors it; {@code sim:never} never finishes;</li>
 *   <li>{@code sim:429x2}, {@code sim:503x2} answer the first 2 status checks with that error
 *       (429 with {@code Retry-After: 1});</li>
 *   <li>{@code sim:create-503x1} refuses the first create with 503;
 *       {@code sim:create-lost} creates the generation but drops the connection before answering, once;</li>
 *   <li>{@code sim:ms=1500} takes that many milliseconds;</li>
 *   <li>{@code sim:foreign-images} serves the images under another host name (localhost instead of 127.0.0.1),
 *       as a hijacked answer pointing elsewhere would.</li>
 * </ul>
 */
public record Scenario(boolean fail, boolean failOnce, boolean censor, boolean never, int checks429, int checks503,
                       int creates503, boolean createLost, Long durationMs, boolean foreignImages) {

    private static final Pattern COUNTED = Pattern.compile("sim:(429|503|create-503)x(\\d{1,3})");
    private static final Pattern DURATION = Pattern.compile("sim:ms=(\\d{1,7})");

    public static Scenario of(String prompt) {
        String p = prompt == null ? "" : prompt;
        int c429 = 0;
        int c503 = 0;
        int create503 = 0;
        Matcher m = COUNTED.matcher(p);
        while (m.find()) {
            int n = Integer.parseInt(m.group(2));
            switch (m.group(1)) {
                case "429" -> c429 = n;
                case "503" -> c503 = n;
                default -> create503 = n;
            }
        }
        Matcher d = DURATION.matcher(p);
        Long duration = d.find() ? Long.parseLong(d.group(1)) : null;
        return new Scenario(p.matches("(?s).*sim:fail(?!-).*"), p.contains("sim:fail-once"), p.contains("sim:censor"),
                p.contains("sim:never"), c429, c503, create503, p.contains("sim:create-lost"), duration,
                p.contains("sim:foreign-images"));
    }
}
