package org.imagegen.simulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhooks as the Standard Webhooks specification says (what Replicate sends): headers {@code webhook-id},
 * {@code webhook-timestamp} (seconds) and {@code webhook-signature: v1,<base64>}, the signature an HMAC-SHA256 of
 * {@code id.timestamp.body} keyed with the base64-decoded part of the secret after {@code whsec_}. Every attempt to
 * deliver one webhook carries the same id ({@link #forDelivery}): a receiver must take a second copy of a delivered id
 * as a replay.
 */
final class StandardWebhookSigner {

    private final String secret;

    StandardWebhookSigner(String secret) {
        this.secret = secret;
    }

    /** A secret derived from a seed: {@code whsec_} and 24 bytes in base64, the shape Replicate's secrets have. */
    static String secretFor(String purpose, long seed) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((purpose + ":" + seed).getBytes(StandardCharsets.UTF_8));
            return "whsec_" + Base64.getEncoder().encodeToString(Arrays.copyOf(digest, 24));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String secret() {
        return secret;
    }

    /** The signer of one webhook: a new webhook id, each attempt signed with the time it is made. */
    SimulatedWebhooks.Signer forDelivery() {
        String webhookId = "msg_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        return body -> {
            long timestamp = System.currentTimeMillis() / 1000;
            return Map.of("webhook-id", webhookId, "webhook-timestamp", String.valueOf(timestamp),
                    "webhook-signature", sign(secret, webhookId, timestamp, body));
        };
    }

    /** {@code v1,<base64 HMAC-SHA256(id.timestamp.body)>}. */
    static String sign(String secret, String webhookId, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            mac.update((webhookId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
