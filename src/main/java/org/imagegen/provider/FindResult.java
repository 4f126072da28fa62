package org.imagegen.provider;

/**
 * Whether a create whose answer was lost reached the provider. {@code UNKNOWN}: it cannot be settled (the provider
 * cannot be searched by our key, or the search failed for good), so a person decides rather than paying twice.
 */
public record FindResult(Kind kind, String providerJobId, String reason) {

    public enum Kind { FOUND, NOT_FOUND, RETRY_LATER, UNKNOWN }

    public static FindResult found(String id) {
        return new FindResult(Kind.FOUND, id, null);
    }

    public static FindResult notFound() {
        return new FindResult(Kind.NOT_FOUND, null, null);
    }

    public static FindResult retryLater(String reason) {
        return new FindResult(Kind.RETRY_LATER, null, reason);
    }

    public static FindResult unknown(String reason) {
        return new FindResult(Kind.UNKNOWN, null, reason);
    }
}
