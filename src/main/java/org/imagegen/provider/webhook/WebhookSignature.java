package org.imagegen.provider.webhook;

import java.util.Arrays;
import java.util.Locale;

/** The signature schemes a provider definition may name in {@code webhookSignature}. */
public enum WebhookSignature {

    /** Standard Webhooks (standardwebhooks.com, Replicate): HMAC-SHA256 over id, timestamp and body. */
    STANDARD_WEBHOOKS,
    /** Ed25519 over request id, user id, timestamp and the body's SHA-256, keys from a JWKS (fal). */
    ED25519_JWKS,
    /** No signature: the receiver URL carries an unguessable secret path segment instead. */
    NONE;

    /** How a definition names the scheme: the constant's name in lower case, hyphens for underscores. */
    public String text() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The scheme a definition names; an unknown name is an error listing the known ones. */
    public static WebhookSignature of(String text) {
        String wanted = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (WebhookSignature s : values()) {
            if (s.text().equals(wanted)) {
                return s;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a signature scheme; expected one of "
                + Arrays.stream(values()).map(WebhookSignature::text).toList());
    }
}
