package org.imagegen.provider.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Standard Webhooks (standardwebhooks.com; Replicate signs this way). Headers {@code webhook-id},
 * {@code webhook-timestamp} (epoch seconds) and {@code webhook-signature}: space-separated {@code v1,<base64>}
 * entries, each an HMAC-SHA256 of {@code id.timestamp.body} keyed with the base64 decoding of the secret's part after
 * {@code whsec_}. One matching entry is enough (a sender rotating its secret signs with both); the comparison takes
 * the same time wherever the bytes differ.
 *
 * <p>The secret is configured, or fetched from the provider (an answer {@code {"key": "whsec_..."}}) when the first
 * delivery arrives, and fetched again, at most once a minute, when a delivery does not match it (the provider
 * rotated it).
 */
public final class StandardWebhooksVerifier extends ServedKeysVerifier<byte[]> {

    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";
    private static final String PREFIX = "whsec_";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Refusals REFUSALS = new Refusals(
            "missing " + ID + ", " + TIMESTAMP + " or " + SIGNATURE + " header",
            "the signing secret could not be fetched yet",
            "the signature does not match");

    private final boolean fetched;

    private StandardWebhooksVerifier(byte[] key, boolean fetched, long toleranceMs, int replayCapacity) {
        super(ID, TIMESTAMP, REFUSALS, key, toleranceMs, replayCapacity);
        this.fetched = fetched;
    }

    /** A verifier with a configured secret ({@code whsec_<base64>}, or the base64 alone). */
    public static StandardWebhooksVerifier withSecret(String secret, long toleranceMs, int replayCapacity) {
        return new StandardWebhooksVerifier(key(secret), false, toleranceMs, replayCapacity);
    }

    /** A verifier whose secret the provider serves: it asks for it before the first delivery is verified. */
    public static StandardWebhooksVerifier fetchingSecret(long toleranceMs, int replayCapacity) {
        return new StandardWebhooksVerifier(null, true, toleranceMs, replayCapacity);
    }

    /** The HMAC key of a secret; an error that does not quote the secret when it is not one. */
    public static byte[] key(String secret) {
        String text = secret == null ? "" : secret.strip();
        if (text.startsWith(PREFIX)) {
            text = text.substring(PREFIX.length());
        }
        try {
            byte[] key = Base64.getDecoder().decode(text);
            if (key.length == 0) {
                throw new IllegalArgumentException("empty");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a Standard Webhooks secret (whsec_ followed by base64)");
        }
    }

    @Override
    public boolean wantsKeys(Function<String, String> header, byte[] body, long now) {
        if (!fetched || !mayFetch(now)) {
            return false;
        }
        byte[] key = keys();
        return key == null || header.apply(SIGNATURE) != null && !verifies(key, header, body);
    }

    @Override
    byte[] read(String answer) {
        JsonNode node;
        try {
            node = answer == null ? null : JSON.readTree(answer);
        } catch (JsonProcessingException e) {
            node = null;
        }
        if (node == null || !node.path("key").isTextual()) {
            throw new IllegalArgumentException("the signing secret's answer has no \"key\"");
        }
        return key(node.path("key").asText());
    }

    @Override
    boolean carriesHeaders(Function<String, String> header) {
        return !blank(header.apply(ID)) && !blank(header.apply(TIMESTAMP)) && !blank(header.apply(SIGNATURE));
    }

    @Override
    boolean verifies(byte[] key, Function<String, String> header, byte[] body) {
        String signature = header.apply(SIGNATURE);
        if (signature == null) {
            return false;
        }
        byte[] expected = hmac(key, (header.apply(ID) + "." + header.apply(TIMESTAMP) + ".")
                .getBytes(StandardCharsets.UTF_8), body);
        boolean match = false;
        for (String entry : signature.strip().split(" +")) {
            int comma = entry.indexOf(',');
            if (comma < 0 || !"v1".equals(entry.substring(0, comma))) {
                continue;
            }
            try {
                // every entry is compared, so the time taken does not say which one matched
                match |= MessageDigest.isEqual(expected, Base64.getDecoder().decode(entry.substring(comma + 1)));
            } catch (IllegalArgumentException e) {
                // not base64: not a match
            }
        }
        return match;
    }

    /** HMAC-SHA256 of {@code prefix} followed by {@code body}. */
    public static byte[] hmac(byte[] key, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(prefix);
            mac.update(body == null ? new byte[0] : body);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
