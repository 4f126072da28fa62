package org.imagegen.provider.webhook;

/**
 * A webhook delivery that is not acted on, with the HTTP status to answer: 401 when its signature is missing or does
 * not verify, 403 when it is genuine but stale (outside the tolerance) or a replay, 503 when it cannot be verified
 * now (the provider's keys could not be fetched). The reason never holds a secret.
 */
public class WebhookRefusedException extends RuntimeException {

    private final int status;

    public WebhookRefusedException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public static WebhookRefusedException unsigned(String reason) {
        return new WebhookRefusedException(401, reason);
    }

    public static WebhookRefusedException stale(String reason) {
        return new WebhookRefusedException(403, reason);
    }

    public static WebhookRefusedException unverifiable(String reason) {
        return new WebhookRefusedException(503, reason);
    }

    public int status() {
        return status;
    }
}
