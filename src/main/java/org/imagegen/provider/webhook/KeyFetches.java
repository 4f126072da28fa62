package org.imagegen.provider.webhook;

/**
 * How often a verifier may ask for the provider's keys: once a fetch was made (answered or failed), not again within
 * a minute, so forged deliveries cannot make the bundle hammer the provider's key server.
 */
final class KeyFetches {

    static final long MIN_REFETCH_MS = 60_000;

    private volatile long lastFetch;
    private volatile boolean everFetched;

    /** Whether a fetch may be made now. */
    boolean mayFetch(long now) {
        return !everFetched || now - lastFetch >= MIN_REFETCH_MS;
    }

    /** A fetch was made (answered or failed). */
    void made(long now) {
        lastFetch = now;
        everFetched = true;
    }
}
