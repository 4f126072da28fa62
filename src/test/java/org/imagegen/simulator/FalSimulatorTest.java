package org.imagegen.simulator;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The fal.ai queue simulator driven over HTTP through fal's contract. */
class FalSimulatorTest {

    private static final String KEY = "Key simulated:secret";
    private final SimulatorHttp http = new SimulatorHttp();
    @AutoClose
    private final FalSimulator fal = SimulatorHttp.started(new FalSimulator(SimulatorHttp.quick()));

    private JsonNode submit(String jobKey, Map<String, Object> body) throws Exception {
        SimulatorHttp.Answer answer = http.post(fal.baseUrl() + "/fal-ai/flux/dev", SimulatorHttp.json(body),
                "Authorization", KEY, "Idempotency-Key", jobKey);
        assertThat(answer.status()).isEqualTo(200);
        return answer.json();
    }

    /** Checks the status URL until COMPLETED (a 200); returns that status answer. */
    private JsonNode completed(JsonNode request) throws Exception {
        String statusUrl = request.path("status_url").asText();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> http.get(statusUrl, "Authorization", KEY).status() == 200);
        SimulatorHttp.Answer status = http.get(statusUrl, "Authorization", KEY);
        assertThat(status.json().path("status").asText()).isEqualTo("COMPLETED");
        return status.json();
    }

    private SimulatorHttp.Answer result(JsonNode completed) throws Exception {
        return http.get(completed.path("response_url").asText(), "Authorization", KEY);
    }

    @Test
    void aRequestIsQueuedThenCompletedAndItsResultReadFromTheResponseUrl() throws Exception {
        JsonNode request = submit("job-1", Map.of("prompt", "a koi pond sim:ms=3000", "image_size", "square_hd",
                "num_images", 2, "seed", 42));

        String id = request.path("request_id").asText();
        // the returned URLs carry only owner/app: the subpath /dev is not part of them
        String base = fal.baseUrl() + "/fal-ai/flux/requests/" + id;
        assertThat(request.path("status_url").asText()).isEqualTo(base + "/status");
        assertThat(request.path("response_url").asText()).isEqualTo(base);
        assertThat(request.path("cancel_url").asText()).isEqualTo(base + "/cancel");
        SimulatorHttp.Answer queued = http.get(base + "/status", "Authorization", KEY);
        assertThat(queued.status()).isEqualTo(202);
        assertThat(queued.json().path("status").asText()).isEqualTo("IN_QUEUE");
        assertThat(queued.json().path("queue_position").isInt()).isTrue();
        assertThat(http.get(base, "Authorization", KEY).status()).isEqualTo(400);

        JsonNode completed = completed(request);
        assertThat(completed.path("response_url").asText()).isEqualTo(base);
        SimulatorHttp.Answer result = result(completed);
        assertThat(result.status()).isEqualTo(200);
        JsonNode body = result.json();
        assertThat(body.path("images")).hasSize(2);
        assertThat(body.path("has_nsfw_concepts").toString()).isEqualTo("[false,false]");
        assertThat(body.path("seed").asLong()).isEqualTo(42);
        assertThat(body.path("prompt").asText()).isEqualTo("a koi pond sim:ms=3000");
        for (JsonNode image : body.path("images")) {
            assertThat(image.path("width").asInt()).isEqualTo(1024);
            assertThat(image.path("content_type").asText()).isEqualTo("image/jpeg");
            URI url = URI.create(image.path("url").asText());
            assertThat(url.getHost()).isEqualTo(FalSimulator.IMAGE_HOST);
            assertThat(http.get(url.toString()).status()).isEqualTo(200);
        }
        SimulatorHttp.awaitDownloads(fal, 1);
        assertThat(fal.createsFor("job-1")).isEqualTo(1);
    }

    @Test
    void aStatusUrlRebuiltWithTheSubpathFindsNothing() throws Exception {
        JsonNode request = submit("subpath", Map.of("prompt", "x sim:ms=3000"));

        String rebuilt = fal.baseUrl() + "/fal-ai/flux/dev/requests/" + request.path("request_id").asText() + "/status";

        assertThat(http.get(rebuilt, "Authorization", KEY).status()).isEqualTo(404);
        assertThat(http.get(request.path("status_url").asText(), "Authorization", KEY).status()).isEqualTo(202);
    }

    @Test
    void failuresAreCompletedRequestsWhoseResultIsTheError() throws Exception {
        JsonNode modelError = completed(submit("fail", Map.of("prompt", "x sim:fail")));
        JsonNode requestError = completed(submit("fail-request", Map.of("prompt", "x sim:fail-request")));
        JsonNode invalid = completed(submit("invalid", Map.of("prompt", "x", "num_images", 5)));

        SimulatorHttp.Answer failed = result(modelError);
        assertThat(failed.status()).isEqualTo(422);
        assertThat(failed.json().path("detail").get(0).path("type").asText()).isEqualTo("no_media_generated");
        SimulatorHttp.Answer timedOut = result(requestError);
        assertThat(requestError.path("error_type").asText()).isEqualTo("request_timeout");
        assertThat(timedOut.status()).isEqualTo(504);
        assertThat(timedOut.header("X-Fal-Error-Type")).isEqualTo("request_timeout");
        assertThat(timedOut.json().path("detail").isTextual()).isTrue();
        assertThat(timedOut.json().path("error_type").asText()).isEqualTo("request_timeout");
        SimulatorHttp.Answer refused = result(invalid);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().path("detail").get(0).path("loc").toString()).isEqualTo("[\"body\",\"num_images\"]");
    }

    @Test
    void moderationIsAPolicyErrorOrFlaggedImagesDeliveredBlack() throws Exception {
        SimulatorHttp.Answer censored = result(completed(submit("censor", Map.of("prompt", "x sim:censor"))));
        SimulatorHttp.Answer flagged = result(completed(submit("one", Map.of("prompt", "x sim:nsfw-one", "num_images", 2))));

        assertThat(censored.status()).isEqualTo(422);
        assertThat(censored.json().path("detail").get(0).path("type").asText()).isEqualTo("content_policy_violation");
        assertThat(flagged.status()).isEqualTo(200);
        assertThat(flagged.json().path("has_nsfw_concepts").toString()).isEqualTo("[false,true]");
        BufferedImage clean = image(flagged.json().path("images").get(0).path("url").asText());
        BufferedImage black = image(flagged.json().path("images").get(1).path("url").asText());
        assertThat(black.getRGB(black.getWidth() / 2, black.getHeight() / 2) & 0xFFFFFF).isZero();
        assertThat(clean.getRGB(0, 0) & 0xFFFFFF).isNotZero();
    }

    private BufferedImage image(String url) throws Exception {
        SimulatorHttp.Answer answer = http.get(url);
        assertThat(answer.status()).isEqualTo(200);
        return ImageIO.read(new ByteArrayInputStream(answer.bytes()));
    }

    @Test
    void filesAreGoneOnceTheirLifetimeHasPassed() throws Exception {
        fal.setImageLifetime(Duration.ofMillis(400));
        String url = result(completed(submit("expiry", Map.of("prompt", "x")))).json()
                .path("images").get(0).path("url").asText();

        await().atMost(Duration.ofSeconds(5)).until(() -> http.get(url).status() == 404);
    }

    @Test
    void aQueuedRequestCanBeCancelledAFinishedOneCannot() throws Exception {
        JsonNode never = submit("never", Map.of("prompt", "x sim:never"));
        JsonNode done = submit("done", Map.of("prompt", "x"));
        completed(done);

        SimulatorHttp.Answer cancelled = http.send("PUT", never.path("cancel_url").asText(), null, "Authorization", KEY);
        SimulatorHttp.Answer tooLate = http.send("PUT", done.path("cancel_url").asText(), null, "Authorization", KEY);

        assertThat(cancelled.status()).isEqualTo(202);
        assertThat(cancelled.json().path("status").asText()).isEqualTo("CANCELLATION_REQUESTED");
        assertThat(http.get(never.path("status_url").asText(), "Authorization", KEY).status()).isEqualTo(404);
        assertThat(tooLate.status()).isEqualTo(400);
        assertThat(tooLate.json().path("status").asText()).isEqualTo("ALREADY_COMPLETED");
    }

    @Test
    void aMissingKeyOrABearerTokenIsRefused() throws Exception {
        String body = SimulatorHttp.json(Map.of("prompt", "x"));

        assertThat(http.post(fal.baseUrl() + "/fal-ai/flux/dev", body).status()).isEqualTo(401);
        assertThat(http.post(fal.baseUrl() + "/fal-ai/flux/dev", body, "Authorization", "Bearer simulated").status())
                .isEqualTo(401);
        assertThat(fal.totalCreates()).isZero();
    }

    @Test
    void aRefusedSubmitCreatesNothingAndASlowOneStillCreatesOnce() throws Exception {
        SimulatorHttp.Answer unavailable = http.post(fal.baseUrl() + "/fal-ai/flux/dev",
                SimulatorHttp.json(Map.of("prompt", "x sim:create-503x1 sim:create-502x1")), "Authorization", KEY,
                "Idempotency-Key", "refused");
        SimulatorHttp.Answer badGateway = http.post(fal.baseUrl() + "/fal-ai/flux/dev",
                SimulatorHttp.json(Map.of("prompt", "x sim:create-503x1 sim:create-502x1")), "Authorization", KEY,
                "Idempotency-Key", "refused");

        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(badGateway.status()).isEqualTo(502);
        // the 502 came after the request was queued: a gateway lost the answer
        assertThat(fal.createsFor("refused")).isEqualTo(1);
    }

    @Test
    void aRequestWithFalWebhookIsPostedThereSignedWithAKeyOfItsKeySet() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String hookUrl = java.net.URLEncoder.encode(receiver.url("/webhooks/fal"), java.nio.charset.StandardCharsets.UTF_8);
            SimulatorHttp.Answer submitted = http.post(fal.baseUrl() + "/fal-ai/flux/dev?fal_webhook=" + hookUrl,
                    SimulatorHttp.json(Map.of("prompt", "x sim:censor")), "Authorization", KEY);
            String id = submitted.json().path("request_id").asText();

            await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.received().isEmpty());

            WebhookReceiver.Received hook = receiver.received().get(0);
            JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(hook.body());
            assertThat(body.path("request_id").asText()).isEqualTo(id);
            assertThat(body.path("status").asText()).isEqualTo("ERROR");
            assertThat(body.path("payload").path("detail").get(0).path("type").asText())
                    .isEqualTo("content_policy_violation");
            assertThat(hook.headers().get("x-fal-webhook-request-id")).isEqualTo(id);
            // verified as a receiver does: any key of the published set, over id, user, timestamp and the body's hash
            String x = http.get(fal.baseUrl() + "/.well-known/jwks.json").json().path("keys").get(0).path("x").asText();
            byte[] der = java.util.HexFormat.of().parseHex("302a300506032b6570032100");
            byte[] raw = java.util.Base64.getUrlDecoder().decode(x);
            byte[] encoded = java.util.Arrays.copyOf(der, der.length + raw.length);
            System.arraycopy(raw, 0, encoded, der.length, raw.length);
            java.security.PublicKey key = java.security.KeyFactory.getInstance("Ed25519")
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(encoded));
            String message = String.join("\n", id, hook.headers().get("x-fal-webhook-user-id"),
                    hook.headers().get("x-fal-webhook-timestamp"), java.util.HexFormat.of().formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(hook.body())));
            java.security.Signature verifier = java.security.Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(verifier.verify(java.util.HexFormat.of().parseHex(hook.headers().get("x-fal-webhook-signature"))))
                    .isTrue();
            verifier.initVerify(key);
            verifier.update((message + "tampered").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(verifier.verify(java.util.HexFormat.of().parseHex(hook.headers().get("x-fal-webhook-signature"))))
                    .isFalse();
        }
    }
}
