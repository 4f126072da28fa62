package org.imagegen.simulator;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The Black Forest Labs simulator driven over HTTP through BFL's contract. */
class BflSimulatorTest {

    private final SimulatorHttp http = new SimulatorHttp();
    @AutoClose
    private final BflSimulator bfl = SimulatorHttp.started(new BflSimulator(SimulatorHttp.quick()));

    private SimulatorHttp.Answer create(String model, String jobKey, Map<String, Object> body) throws Exception {
        return http.post(bfl.baseUrl() + "/v1/" + model, SimulatorHttp.json(body), "x-key", "simulated",
                "Idempotency-Key", jobKey);
    }

    private JsonNode poll(String pollingUrl) throws Exception {
        SimulatorHttp.Answer answer = http.get(pollingUrl, "x-key", "simulated");
        assertThat(answer.status()).isEqualTo(200);
        return answer.json();
    }

    /** Polls until the task leaves Pending; returns its last answer. */
    private JsonNode finished(String pollingUrl) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> poll(pollingUrl),
                task -> !task.path("status").asText().equals("Pending"));
    }

    @Test
    void aTaskIsPendingWithProgressThenReadyWithASignedSampleOnTheDeliveryHost() throws Exception {
        SimulatorHttp.Answer created = create("flux-pro-1.1", "job-1",
                Map.of("prompt", "a red fox sim:ms=2000", "width", 1024, "height", 768));

        assertThat(created.status()).isEqualTo(200);
        JsonNode task = created.json();
        String id = task.path("id").asText();
        assertThat(task.path("polling_url").asText()).isEqualTo(bfl.baseUrl() + "/v1/get_result?id=" + id);
        assertThat(task.path("cost").asDouble()).isEqualTo(4.0);
        assertThat(task.has("output_mp")).isTrue();
        JsonNode pending = poll(task.path("polling_url").asText());
        assertThat(pending.path("status").asText()).isEqualTo("Pending");
        assertThat(pending.path("progress").isNumber()).isTrue();

        JsonNode ready = finished(task.path("polling_url").asText());
        assertThat(ready.path("status").asText()).isEqualTo("Ready");
        URI sample = URI.create(ready.path("result").path("sample").asText());
        assertThat(sample.getHost()).isEqualTo(BflSimulator.IMAGE_HOST).isNotEqualTo(URI.create(bfl.baseUrl()).getHost());
        assertThat(sample.getQuery()).contains("se=").contains("sig=");
        assertThat(http.imageOnItsHost(sample.toString()).header("Content-Type")).isEqualTo("image/jpeg");
        assertThat(bfl.createsFor("job-1")).isEqualTo(1);
        SimulatorHttp.awaitDownloads(bfl, 1);
    }

    @Test
    void eachModerationFormAndAnErrorHaveTheirOwnStatusAndNoResult() throws Exception {
        Map<String, String> expected = Map.of("sim:censor", "Content Moderated",
                "sim:censor-request", "Request Moderated", "sim:fail", "Error");
        for (Map.Entry<String, String> form : expected.entrySet()) {
            JsonNode task = create("flux-dev", form.getKey(), Map.of("prompt", "a fox " + form.getKey())).json();

            JsonNode done = finished(task.path("polling_url").asText());

            assertThat(done.path("status").asText()).as(form.getKey()).isEqualTo(form.getValue());
            assertThat(done.path("result").isNull()).as(form.getKey()).isTrue();
            assertThat(done.path("details").isObject()).as(form.getKey()).isTrue();
        }
        JsonNode unknown = poll(bfl.baseUrl() + "/v1/get_result?id=no-such-task");
        assertThat(unknown.path("status").asText()).isEqualTo("Task not found");
    }

    @Test
    void sizesOffTheGridOfThirtyTwoAndUnknownModelsAreRefused() throws Exception {
        SimulatorHttp.Answer offGrid = create("flux-pro-1.1", "k", Map.of("prompt", "x", "width", 1000, "height", 768));
        SimulatorHttp.Answer tooLarge = create("flux-pro-1.1", "k", Map.of("prompt", "x", "width", 1024, "height", 1472));
        SimulatorHttp.Answer unknown = create("flux-nonexistent", "k", Map.of("prompt", "x"));

        assertThat(offGrid.status()).isEqualTo(422);
        assertThat(offGrid.json().path("detail").get(0).path("loc").toString()).isEqualTo("[\"body\",\"width\"]");
        assertThat(tooLarge.status()).isEqualTo(422);
        assertThat(tooLarge.json().path("detail").get(0).path("loc").get(1).asText()).isEqualTo("height");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(bfl.totalCreates()).isZero();
    }

    @Test
    void aMissingKeyIsRefusedOnCreateAndPoll() throws Exception {
        SimulatorHttp.Answer create = http.post(bfl.baseUrl() + "/v1/flux-dev", SimulatorHttp.json(Map.of("prompt", "x")));
        SimulatorHttp.Answer poll = http.get(bfl.baseUrl() + "/v1/get_result?id=x", "Authorization", "Bearer simulated");

        assertThat(create.status()).isEqualTo(401);
        assertThat(poll.status()).isEqualTo(401);
        assertThat(bfl.totalCreates()).isZero();
        // any key will do, and the Idempotency-Key the bundle adds is not required
        assertThat(http.post(bfl.baseUrl() + "/v1/flux-dev", SimulatorHttp.json(Map.of("prompt", "x")), "x-key", "any")
                .status()).isEqualTo(200);
    }

    @Test
    void aRateLimitHasBflsBodyWithAndWithoutRetryAfterAndRefusesOnlyThatCreate() throws Exception {
        SimulatorHttp.Answer limited = create("flux-dev", "rl", Map.of("prompt", "x sim:create-429x1 sim:retry-after=7"));
        SimulatorHttp.Answer bare = create("flux-dev", "bare", Map.of("prompt", "x sim:create-429barex1"));

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("7");
        assertThat(limited.json().path("error").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(limited.json().path("retry_after").asInt()).isEqualTo(7);
        assertThat(bare.status()).isEqualTo(429);
        assertThat(bare.header("Retry-After")).isNull();
        assertThat(bare.json().has("retry_after")).isFalse();
        assertThat(bfl.totalCreates()).isZero();
        assertThat(create("flux-dev", "rl", Map.of("prompt", "x sim:create-429x1 sim:retry-after=7")).status())
                .isEqualTo(200);
        assertThat(bfl.createsFor("rl")).isEqualTo(1);
    }

    @Test
    void aLostAnswerAndABrokenPollStillLeaveOneTask() throws Exception {
        assertThatThrownBy(() -> create("flux-dev", "lost", Map.of("prompt", "x sim:create-lost sim:check-malformedx1 sim:check-500x1")))
                .isInstanceOf(IOException.class);
        assertThat(bfl.createsFor("lost")).isEqualTo(1);

        String id = bfl.generations.keySet().iterator().next();
        SimulatorHttp.Answer malformed = http.get(bfl.baseUrl() + "/v1/get_result?id=" + id, "x-key", "k");
        SimulatorHttp.Answer serverError = http.get(bfl.baseUrl() + "/v1/get_result?id=" + id, "x-key", "k");

        assertThat(malformed.status()).isEqualTo(200);
        assertThat(malformed.json()).isNull();
        assertThat(serverError.status()).isEqualTo(500);
        assertThat(finished(bfl.baseUrl() + "/v1/get_result?id=" + id).path("status").asText()).isEqualTo("Ready");
    }

    @Test
    void aSampleUrlAnswers403OnceExpiredOrTamperedWith() throws Exception {
        bfl.setImageLifetime(Duration.ofMillis(400));
        JsonNode task = create("flux-dev", "exp", Map.of("prompt", "x")).json();
        String sample = finished(task.path("polling_url").asText()).path("result").path("sample").asText();

        SimulatorHttp.Answer tampered = http.get(sample.replaceFirst("sig=[^&]+", "sig=forged"));
        assertThat(tampered.status()).isEqualTo(403);
        await().atMost(Duration.ofSeconds(5)).until(() -> http.get(sample).status() == 403);
        assertThat(http.get(sample).text()).contains("AuthenticationFailed");
    }

    @Test
    void aTaskWithAWebhookUrlIsPostedThereWhenItIsDone() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String id = create("flux-dev", "hook", Map.of("prompt", "a fox",
                    "webhook_url", receiver.url("/webhooks/bfl/secret"))).json().path("id").asText();

            await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.received().isEmpty());

            WebhookReceiver.Received hook = receiver.received().get(0);
            assertThat(hook.path()).isEqualTo("/webhooks/bfl/secret");
            JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(hook.body());
            assertThat(body.path("id").asText()).isEqualTo(id);
            assertThat(body.path("status").asText()).isEqualTo("Ready");
            assertThat(body.path("result").path("sample").asText()).contains("/results/" + id + "/");
        }
        assertThat(create("flux-dev", "bad-hook", Map.of("prompt", "x", "webhook_url", "not a url")).status())
                .isEqualTo(422);
    }
}
