package org.imagegen.provider.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Ed25519 signatures checked against the keys of a JSON Web Key Set, as fal signs its webhooks. Headers
 * {@code X-Fal-Webhook-Request-Id}, {@code X-Fal-Webhook-User-Id}, {@code X-Fal-Webhook-Timestamp} (epoch seconds) and
 * {@code X-Fal-Webhook-Signature} (hex); the signed message is the request id, the user id, the timestamp and the
 * hex SHA-256 of the body, joined by newlines. Any key of the set may have signed it (OKP keys on curve Ed25519,
 * {@code x} the raw public key in base64url); the JDK verifies Ed25519 itself.
 *
 * <p>The set is fetched before the first delivery, again when it is an hour old, and again when a delivery verifies
 * under none of its keys (the provider may have rotated them), but never more than once a minute, so forged
 * deliveries cannot make the bundle hammer the key server.
 */
public final class Ed25519JwksVerifier extends ServedKeysVerifier<List<PublicKey>> {

    public static final String REQUEST_ID = "X-Fal-Webhook-Request-Id";
    public static final String USER_ID = "X-Fal-Webhook-User-Id";
    public static final String TIMESTAMP = "X-Fal-Webhook-Timestamp";
    public static final String SIGNATURE = "X-Fal-Webhook-Signature";
    static final long MAX_AGE_MS = 3_600_000;
    /** The DER header of an X.509 SubjectPublicKeyInfo for Ed25519; the raw 32-byte key follows it. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Refusals REFUSALS = new Refusals(
            "missing " + REQUEST_ID + ", " + USER_ID + ", " + TIMESTAMP + " or " + SIGNATURE + " header",
            "the provider's signing keys could not be fetched yet",
            "the signature does not verify with the provider's keys");

    private volatile long fetchedAt;

    /** The key set is always the provider's: none is known before the first fetch. */
    public Ed25519JwksVerifier(long toleranceMs, int replayCapacity) {
        super(REQUEST_ID, TIMESTAMP, REFUSALS, null, toleranceMs, replayCapacity);
    }

    @Override
    public boolean wantsKeys(Function<String, String> header, byte[] body, long now) {
        if (!mayFetch(now)) {
            return false;
        }
        List<PublicKey> known = keys();
        return known == null || now - fetchedAt > MAX_AGE_MS
                || header.apply(SIGNATURE) != null && !verifies(known, header, body);
    }

    @Override
    public void keysFetched(String answer, long now) {
        super.keysFetched(answer, now);
        fetchedAt = now;
    }

    @Override
    List<PublicKey> read(String answer) {
        return readJwks(answer);
    }

    @Override
    boolean carriesHeaders(Function<String, String> header) {
        // the user id is signed as it comes, empty or not
        return !blank(header.apply(REQUEST_ID)) && header.apply(USER_ID) != null && !blank(header.apply(TIMESTAMP))
                && !blank(header.apply(SIGNATURE));
    }

    /** The message a delivery's signature covers. */
    public static byte[] message(String requestId, String userId, String timestamp, byte[] body) {
        return String.join("\n", requestId, userId, timestamp, HexFormat.of().formatHex(sha256(body)))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The Ed25519 keys of a JWKS document; an error when it holds none. */
    public static List<PublicKey> readJwks(String jwks) {
        JsonNode root;
        try {
            root = jwks == null ? null : JSON.readTree(jwks);
        } catch (JsonProcessingException e) {
            root = null;
        }
        List<PublicKey> read = new ArrayList<>();
        if (root != null) {
            for (JsonNode key : root.path("keys")) {
                if ("OKP".equals(key.path("kty").asText()) && "Ed25519".equals(key.path("crv").asText())
                        && key.path("x").isTextual()) {
                    try {
                        read.add(publicKey(Base64.getUrlDecoder().decode(key.path("x").asText().replace("=", ""))));
                    } catch (IllegalArgumentException e) {
                        // a key that is not one: the others may do
                    }
                }
            }
        }
        if (read.isEmpty()) {
            throw new IllegalArgumentException("the key set holds no Ed25519 key (kty OKP, crv Ed25519, x)");
        }
        return List.copyOf(read);
    }

    /** An Ed25519 public key from its 32 raw bytes. */
    public static PublicKey publicKey(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, not " + raw.length);
        }
        byte[] encoded = new byte[X509_PREFIX.length + raw.length];
        System.arraycopy(X509_PREFIX, 0, encoded, 0, X509_PREFIX.length);
        System.arraycopy(raw, 0, encoded, X509_PREFIX.length, raw.length);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }

    @Override
    boolean verifies(List<PublicKey> keys, Function<String, String> header, byte[] body) {
        String hex = header.apply(SIGNATURE);
        if (hex == null) {
            return false;
        }
        byte[] signature;
        try {
            signature = HexFormat.of().parseHex(hex.strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] message = message(header.apply(REQUEST_ID), header.apply(USER_ID), header.apply(TIMESTAMP), body);
        for (PublicKey key : keys) {
            try {
                Signature verifier = Signature.getInstance("Ed25519");
                verifier.initVerify(key);
                verifier.update(message);
                if (verifier.verify(signature)) {
                    return true;
                }
            } catch (GeneralSecurityException e) {
                // a malformed signature: it verifies under no key
            }
        }
        return false;
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body == null ? new byte[0] : body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
