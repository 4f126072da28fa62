package org.imagegen.provider;

import java.util.List;

/**
 * Whether a create whose answer was lost reached the provider. {@code UNKNOWN}: it cannot be settled (the provider
 * cannot be searched by our key, or the search failed for good), so a person decides rather than paying twice.
 * {@code LISTED}: a provider that cannot be searched by our key listed its latest generations instead
 * ({@code listed}; {@code complete} when that is every generation it has); the job store decides whether exactly one
 * of them can be ours.
 */
public record FindResult(Kind kind, String providerJobId, String reason, List<Listed> listed, boolean complete) {

    public enum Kind { FOUND, NOT_FOUND, RETRY_LATER, UNKNOWN, LISTED }

    /** One generation in a provider's list: its id and when it was created (epoch milliseconds). */
    public record Listed(String id, long createdAt) {
    }

    public static FindResult found(String id) {
        return new FindResult(Kind.FOUND, id, null, List.of(), false);
    }

    public static FindResult notFound() {
        return new FindResult(Kind.NOT_FOUND, null, null, List.of(), false);
    }

    public static FindResult retryLater(String reason) {
        return new FindResult(Kind.RETRY_LATER, null, reason, List.of(), false);
    }

    public static FindResult unknown(String reason) {
        return new FindResult(Kind.UNKNOWN, null, reason, List.of(), false);
    }

    public static FindResult listed(List<Listed> generations, boolean complete) {
        return new FindResult(Kind.LISTED, null, null, List.copyOf(generations), complete);
    }
}
