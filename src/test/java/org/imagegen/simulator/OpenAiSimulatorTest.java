package org.imagegen.simulator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The OpenAI Images simulator driven over HTTP through the synchronous generations contract. */
class OpenAiSimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GENERATIONS = "/v1/images/generations";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    @AutoClose
    private final OpenAiSimulator simulator = SimulatorHttp.started(new OpenAiSimulator(SimulatorHttp.quick()));

    @Test
    void theAnswerCarriesTheImagesInBase64InTheSizesProportions() throws Exception {
        HttpResponse<String> answer = post("gen-1", body("a blue whale", "n", 2, "size", "1536x1024", "quality", "low"));

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode json = JSON.readTree(answer.body());
        assertThat(json.path("created").asLong()).isPositive();
        assertThat(json.path("data")).hasSize(2);
        var image = ImageIO.read(new ByteArrayInputStream(
                Base64.getDecoder().decode(json.path("data").get(0).path("b64_json").asText())));
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isGreaterThan(image.getHeight());
        assertThat(json.path("usage").path("output_tokens").asInt()).isPositive();
        assertThat(json.path("output_format").asText()).isEqualTo("png");
        assertThat(simulator.createsFor("gen-1")).isEqualTo(1);
    }

    @Test
    void parametersAreCheckedAsGptImage1ChecksThem() throws Exception {
        assertInvalid(body("x", "response_format", "b64_json"), "response_format", "unknown_parameter");
        assertInvalid(body("x", "style", "vivid"), "style", "unknown_parameter");
        assertInvalid(body("x", "n", 11), "n", "integer_above_max_value");
        assertInvalid(body("x", "n", 0), "n", "integer_below_min_value");
        assertInvalid(body("x", "size", "512x512"), "size", "invalid_value");
        assertInvalid(body("x", "quality", "hd"), "quality", "invalid_value");
        Map<String, Object> noModel = body("x");
        noModel.remove("model");
        assertInvalid(noModel, "model", "invalid_value");
        Map<String, Object> noPrompt = body("x");
        noPrompt.remove("prompt");
        assertInvalid(noPrompt, "prompt", "missing_required_parameter");
        assertThat(simulator.totalCreates()).isZero();
    }

    @Test
    void aRefusedPromptIsModerationBlockedAfterTheGenerationOrAtOnceForItsInput() throws Exception {
        HttpResponse<String> output = post("censored", body("sim:censor"));
        HttpResponse<String> input = post("censored-input", body("sim:censor-input"));

        for (HttpResponse<String> answer : List.of(output, input)) {
            assertThat(answer.statusCode()).isEqualTo(400);
            JsonNode error = JSON.readTree(answer.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("moderation_blocked");
            assertThat(error.path("message").asText()).contains("safety system");
        }
        assertThat(JSON.readTree(output.body()).path("error").path("moderation_details").path("moderation_stage")
                .asText()).isEqualTo("output");
        assertThat(simulator.createsFor("censored")).isEqualTo(1);
        assertThat(simulator.createsFor("censored-input")).isZero();
    }

    @Test
    void rateLimitsWithAndWithoutRetryAfterThenTheGeneration() throws Exception {
        Map<String, Object> body = body("sim:create-429x1 sim:create-429barex1 sim:retry-after=4");
        HttpResponse<String> first = post("limited", body);
        HttpResponse<String> second = post("limited", body);
        HttpResponse<String> third = post("limited", body);

        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(first.headers().firstValue("Retry-After")).hasValue("4");
        assertThat(JSON.readTree(first.body()).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).isEmpty();
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(simulator.createsFor("limited")).isEqualTo(1);
    }

    @Test
    void aFailureIsAServerErrorAndFailOnceSucceedsOnTheNextCreate() throws Exception {
        HttpResponse<String> failed = post("fails", body("sim:fail"));
        HttpResponse<String> once = post("once", body("sim:fail-once"));
        HttpResponse<String> again = post("once", body("sim:fail-once"));

        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(failed.body()).path("error").path("type").asText()).isEqualTo("server_error");
        assertThat(once.statusCode()).isEqualTo(500);
        assertThat(again.statusCode()).isEqualTo(200);
    }

    @Test
    void aLostAnswerWasStillMade() {
        assertThatThrownBy(() -> post("lost", body("sim:create-lost"))).isInstanceOf(IOException.class);
        assertThat(simulator.createsFor("lost")).isEqualTo(1);
    }

    @Test
    void aMissingOrWrongKeyIsInvalidApiKey() throws Exception {
        HttpResponse<String> noKey = client.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + GENERATIONS))
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body("x")))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(noKey.body()).path("error").path("code").asText()).isEqualTo("invalid_api_key");

        try (OpenAiSimulator keyed = (OpenAiSimulator) new OpenAiSimulator(new SimulatorSettings(0,
                Duration.ofMillis(100), Duration.ofMillis(100), 0, 0, 0, 0, Duration.ZERO, "sk-right", 1L, 32)).start()) {
            HttpResponse<String> wrong = client.send(HttpRequest.newBuilder(URI.create(keyed.baseUrl() + GENERATIONS))
                    .header("Authorization", "Bearer sk-wrong-key-1234")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body("x")))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(401);
            JsonNode error = JSON.readTree(wrong.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("invalid_api_key");
            assertThat(error.path("message").asText()).doesNotContain("sk-wrong-key-1234");
        }
    }

    @Test
    void slowAnswersDoNotStopTheSimulatorFromAnsweringOthers() throws Exception {
        // more generations waiting than the HTTP server has workers
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            slow.add(client.sendAsync(request("slow-" + i, body("slow sim:ms=20000")), HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator.answersWaiting() == 12);

        HttpResponse<String> quick = client.sendAsync(request("quick", body("quick sim:ms=0")),
                HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);

        assertThat(quick.statusCode()).isEqualTo(200);
        assertThat(simulator.answersWaiting()).isEqualTo(12);
        assertThat(slow).noneMatch(CompletableFuture::isDone);
    }

    private void assertInvalid(Map<String, Object> body, String param, String code) throws Exception {
        HttpResponse<String> answer = post("invalid", body);
        assertThat(answer.statusCode()).as(param).isEqualTo(400);
        JsonNode error = JSON.readTree(answer.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo(param);
        assertThat(error.path("code").asText()).isEqualTo(code);
    }

    private static Map<String, Object> body(String prompt, Object... more) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", "gpt-image-1");
        body.put("prompt", prompt);
        for (int i = 0; i < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        return body;
    }

    private HttpResponse<String> post(String jobKey, Map<String, Object> body) throws Exception {
        return client.send(request(jobKey, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String jobKey, Map<String, Object> body) throws IOException {
        return HttpRequest.newBuilder(URI.create(simulator.baseUrl() + GENERATIONS)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer simulated").header("Idempotency-Key", jobKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
    }
}
