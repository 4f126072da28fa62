package org.imagegen.provider.webhook;

import java.util.function.Function;

/**
 * The outline the signature schemes share ({@link StandardWebhooksVerifier}, {@link Ed25519JwksVerifier}): a delivery
 * must carry the scheme's headers, the keys must be known, the signature must verify under them, and the delivery
 * must then be fresh and seen for the first time ({@link FreshDeliveries}). The keys ({@code K}, null while none are
 * known) may be served by the provider; their fetches are paced by {@link KeyFetches}. What each scheme says when it
 * refuses a delivery stays its own ({@link Refusals}).
 */
abstract class ServedKeysVerifier<K> implements WebhookVerifier {

    /**
     * Why a delivery is refused: it lacks a header ({@code missing}), no keys are known yet ({@code noKeys}), or its
     * signature verifies under none of them ({@code mismatch}).
     */
    record Refusals(String missing, String noKeys, String mismatch) {
    }

    private final String idHeader;
    private final String timestampHeader;
    private final Refusals refusals;
    private final FreshDeliveries deliveries;
    private final KeyFetches fetches = new KeyFetches();
    private volatile K keys;

    /** {@code keys}: the ones configured, or null when the provider serves them. */
    ServedKeysVerifier(String idHeader, String timestampHeader, Refusals refusals, K keys, long toleranceMs,
                       int replayCapacity) {
        this.idHeader = idHeader;
        this.timestampHeader = timestampHeader;
        this.refusals = refusals;
        this.keys = keys;
        this.deliveries = new FreshDeliveries(toleranceMs, replayCapacity);
    }

    /** Whether the delivery carries every header the scheme signs with (the id and timestamp among them). */
    abstract boolean carriesHeaders(Function<String, String> header);

    /** Whether the delivery's signature verifies under {@code keys}; false when it carries none. */
    abstract boolean verifies(K keys, Function<String, String> header, byte[] body);

    /** The keys of a fetch's answer; an IllegalArgumentException when it holds no usable one. */
    abstract K read(String answer);

    /** The keys known now, or null. */
    final K keys() {
        return keys;
    }

    /** Whether a fetch of the keys may be made now. */
    final boolean mayFetch(long now) {
        return fetches.mayFetch(now);
    }

    @Override
    public void keysFetched(String answer, long now) {
        fetches.made(now);
        keys = read(answer);
    }

    @Override
    public void keysFailed(long now) {
        fetches.made(now);
    }

    @Override
    public String verify(Function<String, String> header, byte[] body, long now) {
        String id = header.apply(idHeader);
        String timestamp = header.apply(timestampHeader);
        if (!carriesHeaders(header)) {
            throw WebhookRefusedException.unsigned(refusals.missing());
        }
        K known = keys;
        if (known == null) {
            throw WebhookRefusedException.unverifiable(refusals.noKeys());
        }
        if (!verifies(known, header, body)) {
            throw WebhookRefusedException.unsigned(refusals.mismatch());
        }
        deliveries.accept(id, timestamp, now);
        return id;
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
