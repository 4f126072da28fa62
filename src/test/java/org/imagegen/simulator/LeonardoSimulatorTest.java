package org.imagegen.simulator;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Leonardo.Ai simulator driven over HTTP through Leonardo's contract. */
class LeonardoSimulatorTest {

    private final SimulatorHttp http = new SimulatorHttp();
    @AutoClose
    private final LeonardoSimulator leonardo = SimulatorHttp.started(new LeonardoSimulator(SimulatorHttp.quick()));

    private SimulatorHttp.Answer create(String jobKey, Map<String, Object> body) throws Exception {
        return http.post(leonardo.baseUrl() + "/v1/generations", SimulatorHttp.json(body),
                "Authorization", "Bearer simulated", "Idempotency-Key", jobKey);
    }

    private JsonNode generation(String id) throws Exception {
        SimulatorHttp.Answer answer = http.get(leonardo.baseUrl() + "/v1/generations/" + id,
                "Authorization", "Bearer simulated");
        assertThat(answer.status()).isEqualTo(200);
        return answer.json().path("generations_by_pk");
    }

    private JsonNode finished(String id) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> generation(id),
                generation -> !generation.path("status").asText().equals("PENDING"));
    }

    private String generate(String jobKey, String prompt, int images) throws Exception {
        SimulatorHttp.Answer created = create(jobKey, Map.of("prompt", prompt, "num_images", images,
                "width", 512, "height", 768));
        assertThat(created.status()).isEqualTo(200);
        return created.json().path("sdGenerationJob").path("generationId").asText();
    }

    private static List<Boolean> nsfw(JsonNode generation) {
        List<Boolean> flags = new ArrayList<>();
        generation.path("generated_images").forEach(image -> flags.add(image.path("nsfw").asBoolean()));
        return flags;
    }

    @Test
    void aGenerationIsPendingThenCompleteWithItsImagesOnTheCdnHost() throws Exception {
        SimulatorHttp.Answer created = create("job-1", Map.of("prompt", "a lighthouse sim:ms=2000", "num_images", 2,
                "width", 1024, "height", 768, "modelId", "model-x"));

        assertThat(created.status()).isEqualTo(200);
        JsonNode job = created.json().path("sdGenerationJob");
        assertThat(job.path("apiCreditCost").asInt()).isEqualTo(2);
        String id = job.path("generationId").asText();
        assertThat(generation(id).path("status").asText()).isEqualTo("PENDING");

        JsonNode done = finished(id);
        assertThat(done.path("status").asText()).isEqualTo("COMPLETE");
        assertThat(done.path("modelId").asText()).isEqualTo("model-x");
        assertThat(done.path("imageWidth").asInt()).isEqualTo(1024);
        assertThat(nsfw(done)).containsExactly(false, false);
        for (JsonNode image : done.path("generated_images")) {
            URI url = URI.create(image.path("url").asText());
            assertThat(url.getHost()).isEqualTo(LeonardoSimulator.IMAGE_HOST);
            http.imageOnItsHost(url.toString());
        }
        assertThat(leonardo.createsFor("job-1")).isEqualTo(1);
        SimulatorHttp.awaitDownloads(leonardo, 1);
    }

    @Test
    void aFlaggedPromptIsRefusedAtTheCreateWithLeonardosModerationError() throws Exception {
        SimulatorHttp.Answer refused = create("censored", Map.of("prompt", "something sim:censor"));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("error").asText()).startsWith("content moderation filter: ");
        assertThat(refused.json().path("path").asText()).isEqualTo("$");
        assertThat(refused.json().path("code").asText()).isEqualTo("unexpected");
        assertThat(leonardo.createsFor("censored")).isZero();
    }

    @Test
    void imagesAreFlaggedOneByOneOrAllTogether() throws Exception {
        JsonNode one = finished(generate("one", "a beach sim:nsfw-one", 3));
        JsonNode all = finished(generate("all", "a beach sim:nsfw-all", 2));

        assertThat(one.path("status").asText()).isEqualTo("COMPLETE");
        assertThat(nsfw(one)).containsExactly(false, false, true);
        assertThat(nsfw(all)).containsExactly(true, true);
    }

    @Test
    void aFailedGenerationHasNoImagesAndAnUnknownOneIsNull() throws Exception {
        JsonNode failed = finished(generate("failed", "a beach sim:fail", 2));

        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("generated_images")).isEmpty();
        assertThat(generation("no-such-generation").isNull()).isTrue();
    }

    @Test
    void sizesAndCountsOutsideLeonardosLimitsAreRefused() throws Exception {
        SimulatorHttp.Answer oddWidth = create("k", Map.of("prompt", "x", "width", 1001, "height", 768));
        SimulatorHttp.Answer tooMany = create("k", Map.of("prompt", "x", "width", 1024, "height", 1024, "num_images", 5));

        assertThat(oddWidth.status()).isEqualTo(400);
        assertThat(oddWidth.json().path("error").asText()).contains("width");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().path("error").asText()).contains("num_images");
        assertThat(leonardo.totalCreates()).isZero();
    }

    @Test
    void aMissingOrMisformattedKeyIsRefused() throws Exception {
        String url = leonardo.baseUrl() + "/v1/generations";
        String body = SimulatorHttp.json(Map.of("prompt", "x"));

        assertThat(http.post(url, body).status()).isEqualTo(401);
        assertThat(http.post(url, body, "Authorization", "Key simulated").status()).isEqualTo(401);
        assertThat(http.post(url, body, "Authorization", "Bearer ").status()).isEqualTo(401);
        assertThat(leonardo.totalCreates()).isZero();
        // any key will do, and the Idempotency-Key the bundle adds is not required
        assertThat(http.post(url, body, "Authorization", "Bearer anything").status()).isEqualTo(200);
    }

    @Test
    void statusFaultsAnswerInLeonardosErrorShapeThenTheGenerationGoesOn() throws Exception {
        String id = generate("faults", "x sim:check-503x1 sim:check-429x1 sim:retry-after=3", 1);

        SimulatorHttp.Answer unavailable = http.get(leonardo.baseUrl() + "/v1/generations/" + id, "Authorization", "Bearer k");
        SimulatorHttp.Answer limited = http.get(leonardo.baseUrl() + "/v1/generations/" + id, "Authorization", "Bearer k");

        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("3");
        assertThat(limited.json().path("code").asText()).isEqualTo("rate-limited");
        assertThat(finished(id).path("status").asText()).isEqualTo("COMPLETE");
    }
}
