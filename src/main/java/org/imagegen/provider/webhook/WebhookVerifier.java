package org.imagegen.provider.webhook;

import java.util.function.Function;

/**
 * Checks that a webhook delivery comes from the provider, is fresh and has not been seen before. Headers are read
 * through {@code header} (by name, case-insensitively); {@code body} is the raw body as received, since a signature
 * covers its exact bytes. Times are epoch milliseconds, passed in so that a test can choose them.
 *
 * <p>Some schemes verify with keys the provider serves (a signing secret, a JWKS). Their fetch is the caller's: the
 * verifier says when it wants them ({@link #wantsKeys}), the caller makes the HTTP call through the provider's route
 * and hands the answer back ({@link #keysFetched}) or says it failed ({@link #keysFailed}).
 */
public interface WebhookVerifier {

    /** Whether keys should be fetched before this delivery is verified: none known, or the ones known reject it. */
    boolean wantsKeys(Function<String, String> header, byte[] body, long now);

    /** The keys' answer (a 2xx body); an answer without a usable key is an IllegalArgumentException. */
    void keysFetched(String answer, long now);

    /** The keys could not be fetched: the known ones (if any) stay, and a fetch is not tried again at once. */
    void keysFailed(long now);

    /**
     * Verifies the delivery and records it as seen; returns its id. Throws {@link WebhookRefusedException} when it
     * must not be acted on; then nothing is recorded.
     */
    String verify(Function<String, String> header, byte[] body, long now);
}
