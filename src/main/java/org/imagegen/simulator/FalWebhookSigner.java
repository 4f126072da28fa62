package org.imagegen.simulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Signs a fal simulator's webhooks as fal does: Ed25519 over the request id, the user id, the timestamp (seconds) and
 * the hex SHA-256 of the body, joined by newlines; the signature in hex in {@code X-Fal-Webhook-Signature}, beside
 * {@code X-Fal-Webhook-Request-Id}, {@code X-Fal-Webhook-User-Id} and {@code X-Fal-Webhook-Timestamp}. The public
 * key is published as a JSON Web Key Set (OKP, Ed25519), as fal publishes its own.
 */
final class FalWebhookSigner {

    static final String USER_ID = "simulated-user";
    private final KeyPair keys;

    FalWebhookSigner() {
        try {
            keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    /** The key set: the public key's 32 raw bytes (the end of its X.509 encoding), base64url. */
    Map<String, Object> jwks() {
        byte[] encoded = keys.getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
        return Map.of("keys", List.of(Map.of("kty", "OKP", "crv", "Ed25519", "use", "sig", "kid", "simulated",
                "x", Base64.getUrlEncoder().withoutPadding().encodeToString(raw))));
    }

    /** The headers of one delivery of {@code body} for a request, signed now. */
    Map<String, String> headers(String requestId, byte[] body) {
        String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
        try {
            String bodyHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(keys.getPrivate());
            signature.update(String.join("\n", requestId, USER_ID, timestamp, bodyHash).getBytes(StandardCharsets.UTF_8));
            return Map.of("X-Fal-Webhook-Request-Id", requestId, "X-Fal-Webhook-User-Id", USER_ID,
                    "X-Fal-Webhook-Timestamp", timestamp,
                    "X-Fal-Webhook-Signature", HexFormat.of().formatHex(signature.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
