package org.imagegen.provider.webhook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import org.imagegen.support.ScriptedProvider;

/**
 * The API of the providers {@link DefinedProviderWebhooksTest} defines, scripted: creates answer a new id, a
 * generation is processing until the test finishes it; the signing secret and the key set are served as Replicate
 * and fal serve theirs, and deliveries are signed here as they sign theirs.
 */
final class HooksStub extends ScriptedProvider {

    /** The Standard Webhooks signing key, served as its secret ("whsec_" and the key in base64). */
    private static final byte[] SIGNING_KEY = "a signing key of the stub provider".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNING_SECRET = "whsec_" + Base64.getEncoder().encodeToString(SIGNING_KEY);

    final AtomicInteger secretFetches = new AtomicInteger();
    final AtomicInteger jwksFetches = new AtomicInteger();
    volatile String secretAuthorization;
    volatile String jwksAuthorization;
    private final String jwks;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<String, String> createBodies = new ConcurrentHashMap<>();
    private final Map<String, String> createQueries = new ConcurrentHashMap<>();
    private final Set<String> finished = ConcurrentHashMap.newKeySet();

    private HooksStub(KeyPair signer) {
        byte[] encoded = signer.getPublic().getEncoded();
        String x = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length));
        this.jwks = "{\"keys\": [{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"kid\": \"k1\", \"x\": \"" + x + "\"}]}";
    }

    static HooksStub start(KeyPair signer) {
        HooksStub stub = new HooksStub(signer);
        stub.listen();
        return stub;
    }

    void finish(String generation) {
        finished.add(generation);
    }

    String createBody(String generation) {
        return createBodies.get(generation);
    }

    String createQuery(String generation) {
        return createQueries.get(generation);
    }

    @Override
    protected void answer(HttpExchange exchange, Call call) throws IOException {
        String path = call.path();
        String method = call.method();
        String authorization = call.authorization();
        if (method.equals("POST") && (path.equals("/v1/predictions") || path.equals("/queue/flux"))) {
            String id = "gen_" + ids.incrementAndGet();
            createBodies.put(id, call.body());
            createQueries.put(id, String.valueOf(call.query()));
            json(exchange, 201, "{\"id\": \"" + id + "\", \"request_id\": \"" + id + "\", \"status\": \"processing\"}");
        } else if (method.equals("GET") && path.startsWith("/v1/predictions/")) {
            String id = path.substring("/v1/predictions/".length());
            checked(id);
            json(exchange, 200, finished.contains(id)
                    ? "{\"id\": \"" + id + "\", \"status\": \"succeeded\", \"output\": [\"http://localhost:" + port()
                    + "/files/" + id + ".png\"]}"
                    : "{\"id\": \"" + id + "\", \"status\": \"processing\"}");
        } else if (method.equals("GET") && path.equals("/v1/webhooks/default/secret")) {
            secretFetches.incrementAndGet();
            secretAuthorization = authorization;
            json(exchange, 200, "{\"key\": \"" + SIGNING_SECRET + "\"}");
        } else if (method.equals("GET") && path.equals("/jwks.json")) {
            jwksFetches.incrementAndGet();
            jwksAuthorization = authorization == null ? "" : authorization;
            json(exchange, 200, jwks);
        } else if (method.equals("GET") && path.startsWith("/files/")) {
            png(exchange, PNG);
        } else {
            json(exchange, 404, "{\"detail\": \"no such endpoint\"}");
        }
    }

    /** Standard Webhooks headers, computed here from the spec: HMAC-SHA256 over "id.timestamp.body". */
    static Map<String, String> standardHeaders(String id, long seconds, byte[] signedBody) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SIGNING_KEY, "HmacSHA256"));
        mac.update((id + "." + seconds + ".").getBytes(StandardCharsets.UTF_8));
        String signature = Base64.getEncoder().encodeToString(mac.doFinal(signedBody));
        return Map.of("webhook-id", id, "webhook-timestamp", String.valueOf(seconds),
                "webhook-signature", "v1," + signature);
    }

    /** fal's headers: Ed25519 over request id, user id, timestamp and the body's hex SHA-256, one per line. */
    static Map<String, String> falHeaders(KeyPair key, String requestId, long seconds, byte[] body)
            throws GeneralSecurityException {
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key.getPrivate());
        signer.update((requestId + "\nuser_7\n" + seconds + "\n" + digest).getBytes(StandardCharsets.UTF_8));
        return Map.of("X-Fal-Webhook-Request-Id", requestId, "X-Fal-Webhook-User-Id", "user_7",
                "X-Fal-Webhook-Timestamp", String.valueOf(seconds),
                "X-Fal-Webhook-Signature", HexFormat.of().formatHex(signer.sign()));
    }

    static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A 1x1 PNG. */
    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
}
