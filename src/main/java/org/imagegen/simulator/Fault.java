package org.imagegen.simulator;

import java.util.Locale;

/**
 * A fault a simulator can inject at one point of the API ({@code create}, {@code check}, {@code find},
 * {@code image}), switched on per generation by a prompt directive ({@code sim:<point>-<fault>x<N>}, see
 * {@link Scenario}). What each one looks like on the wire is the simulator's business; what the bundle makes of it
 * is listed in the fault table of docs/robustness.md.
 */
public enum Fault {
    /** 429 with {@code Retry-After} (seconds: {@code sim:retry-after=N}, default 1). */
    RATE_LIMITED("429"),
    /** 429 without {@code Retry-After}. */
    RATE_LIMITED_BARE("429bare"),
    /** 500 with the provider's error body. At create: refused before anything was made. */
    SERVER_ERROR("500"),
    /** 502 with a gateway's HTML page. At create: the generation was made, the gateway lost the answer. */
    BAD_GATEWAY("502"),
    /** 503 with a plain-text body. At create: refused before anything was made. */
    UNAVAILABLE("503"),
    /** The answer comes after {@code imagegen.simulator.slow-delay}. At create: the generation is made first. */
    SLOW("slow"),
    /** 200 with an HTML page instead of JSON (a misrouted proxy, a captive portal). At create: nothing made. */
    HTML("html"),
    /** 2xx with JSON cut off in the middle. At create: the generation was made. */
    MALFORMED("malformed"),
    /** An image URL that answers 404 (expired). */
    NOT_FOUND("404"),
    /** An image URL that answers 403 (expired signature). */
    FORBIDDEN("403"),
    /** An image whose body stops halfway through its announced Content-Length. */
    TRUNCATED("truncated"),
    /** 200 with an HTML page where the image should be. */
    NOT_AN_IMAGE("notimage"),
    /** A real image padded with 2 MiB of trailing bytes: over a small size limit. */
    HUGE("huge"),
    /** A real image sent as {@code text/plain}: the bytes decide, not the header. */
    MISLABELLED("mislabelled");

    private final String directive;

    Fault(String directive) {
        this.directive = directive;
    }

    public String directive() {
        return directive;
    }

    /** Faults that only make sense for an image download (elsewhere they are ignored). */
    public boolean imageOnly() {
        return this == TRUNCATED || this == NOT_AN_IMAGE || this == HUGE || this == MISLABELLED;
    }

    /** The fault a directive names ("503", "slow", ...), or null. */
    public static Fault of(String directive) {
        String d = directive.toLowerCase(Locale.ROOT);
        for (Fault f : values()) {
            if (f.directive.equals(d)) {
                return f;
            }
        }
        return null;
    }
}
