package org.imagegen.provider.definition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.api.GenerationViews;
import org.imagegen.delivery.InlineImages;
import org.imagegen.delivery.ResultFolders;
import org.imagegen.job.Job;
import org.imagegen.job.JobState;
import org.imagegen.job.JobStore;
import org.imagegen.request.GenerationRequest;
import org.imagegen.simulator.PromptImage;
import org.imagegen.support.BundleTest;
import org.imagegen.support.Folders;
import org.imagegen.support.ScriptedProvider.Call;
import org.imagegen.support.ScriptedProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A synchronous API declared by a definition (createOutcome): one create answers with the images as base64, the way
 * OpenAI Images does, or refuses. A scripted stub on 127.0.0.1 answers; the definition file is written into a folder
 * the routes pattern loads, as an operator would. The job is finished by the create alone: delivered with exactly
 * the bytes sent, censored or failed, the reported cost recorded; a create whose answer is lost is parked.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.FAST_BUNDLE, App.CONFIG}, properties = {
        Folders.WITH_TEST_PROVIDERS,
        "imagegen.test.folders=synchronous-provider",
        "imagegen.poll.initial-delay=100ms",
        "imagegen.poll.interval=150ms"
})
class SynchronousProviderTest extends BundleTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Folders FOLDERS = new Folders("synchronous-provider").clean();
    private static final PixStub PIX = PixStub.start();

    /** An OpenAI-Images-like API: POST /v1/images/generations answers {"data": [{"b64_json"}], "usage": {"cost"}}. */
    private static final String DEFINITION = """
            baseUrl: "{{imagegen.providers.pix.base-url}}"
            apiKey: "{{imagegen.providers.pix.api-key}}"
            model: "pix-1"
            maxCount: "4"
            options: "quality"
            createPath: "/v1/images/generations"
            createBody: >-
              {model: .model, prompt: .prompt, n: (.count // 1), quality: .options.quality, user: .id}
              | with_entries(select(.value != null))
            createOutcome: >-
              {state: "succeeded", images: [.data[] | "data:image/png;base64," + .b64_json]}
            createCost: ".usage.cost"
            costUnit: "USD"
            createCensored: '$status == 400 and .error.code == "moderation_blocked"'
            errorMessage: ".error.message"
            """;

    static {
        FOLDERS.addProvider("pix", DEFINITION);
        System.setProperty("imagegen.providers.pix.base-url", "http://127.0.0.1:" + PIX.port());
        System.setProperty("imagegen.providers.pix.api-key", "pix-test-key");
    }

    @BeanInject("jobStore")
    JobStore jobStore;

    @BeanInject("generationViews")
    GenerationViews api;

    @BeanInject("resultFolders")
    ResultFolders resultFolders;

    @AfterAll
    void stopStub() {
        PIX.stop();
        System.clearProperty("imagegen.providers.pix.base-url");
        System.clearProperty("imagegen.providers.pix.api-key");
    }

    @Test
    void oneCreateAnsweringWithBase64ImagesIsDeliveredWithThoseBytesAndItsCost() throws IOException {
        FOLDERS.drop("lighthouse.json", """
                {"id": "pix-lighthouse", "provider": "pix", "prompt": "a lighthouse", "count": 2, "model": "pix-2",
                 "options": {"quality": "high"}}""");

        JsonNode manifest = FOLDERS.awaitEnded("pix-lighthouse", "DELIVERED", WAIT);

        List<Call> creates = PIX.creates("pix-lighthouse");
        assertThat(creates).as("one create, no status check, no download").hasSize(1);
        assertThat(PIX.calls()).allSatisfy(c -> assertThat(c.path()).isEqualTo("/v1/images/generations"));
        JsonNode body = JSON.readTree(creates.get(0).body());
        assertThat(body.path("model").asText()).as("the request's model").isEqualTo("pix-2");
        assertThat(body.path("n").asInt()).isEqualTo(2);
        assertThat(body.path("quality").asText()).isEqualTo("high");
        assertThat(creates.get(0).authorization()).isEqualTo("Bearer pix-test-key");

        assertThat(manifest.path("images")).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode image = manifest.path("images").get(i);
            assertThat(image.path("acquired").asText()).isEqualTo("inline");
            assertThat(image.path("sourceUrl").asText()).isEqualTo("data:image/png;base64,");
            Path file = FOLDERS.outbox.resolve("pix-lighthouse").resolve(image.path("file").asText());
            assertThat(Files.readAllBytes(file)).isEqualTo(PixStub.image("a lighthouse", i));
        }
        assertThat(manifest.path("cost").path("amount").asDouble()).isEqualTo(0.08);
        assertThat(manifest.path("cost").path("unit").asText()).isEqualTo("USD");
        assertThat(manifest.path("request").path("model").asText()).isEqualTo("pix-2");

        Job job = store.find("pix-lighthouse").orElseThrow();
        assertThat(job.getImageUrls()).as("the job store never holds the images' bytes")
                .containsExactly("data:image/png;base64,", "data:image/png;base64,");
        assertThat(job.getCost()).isEqualTo(0.08);
        JsonNode view = JSON.readTree((String) api.get("pix-lighthouse").body());
        assertThat(view.path("cost").path("amount").asDouble()).isEqualTo(0.08);
        assertThat(view.path("cost").path("unit").asText()).isEqualTo("USD");
        assertThat(view.path("images")).hasSize(2);
    }

    @Test
    void aModerationRefusalIsCensoredAndAnyOtherRefusalFailsEachAfterOneCreate() {
        JsonNode censored = FOLDERS.runJob("pix-blocked", "pix", "a sword [blocked]", "CENSORED", WAIT);
        JsonNode failed = FOLDERS.runJob("pix-invalid", "pix", "a shield [invalid]", "FAILED", WAIT);

        assertThat(censored.path("reason").asText()).isEqualTo("Your request was rejected by the safety system");
        assertThat(failed.path("reason").asText()).isEqualTo("pix answered HTTP 400: quality must be low or high");
        assertThat(censored.path("cost").isNull()).as("nothing reported, nothing recorded").isTrue();
        assertThat(PIX.creates("pix-blocked")).hasSize(1);
        assertThat(PIX.creates("pix-invalid")).hasSize(1);
    }

    @Test
    void aCreateWhoseAnswerIsLostIsParkedNotSentAgain() {
        FOLDERS.drop("lost.json", "{\"id\": \"pix-lost\", \"provider\": \"pix\", \"prompt\": \"a harbour [lost]\"}");

        JsonNode parked = FOLDERS.awaitEnded("pix-lost", "NEEDS_ATTENTION", WAIT);

        assertThat(parked.path("reason").asText()).contains("HTTP 502").contains("not sent again");
        assertThat(PIX.creates("pix-lost")).hasSize(1);
    }

    /**
     * What a crash leaves when it comes after the answer's images were staged but before the row said SUCCEEDED: the
     * row still says a create is being sent. The staged images are that answer: delivered, and nothing sent again.
     */
    @Test
    void aCreateWhoseImagesWereStagedBeforeACrashIsDeliveredFromStagingNotParked() throws IOException {
        long now = System.currentTimeMillis();
        Job job = new Job();
        job.setKey("pix-crashed");
        job.setProvider("pix");
        job.setRequest(new GenerationRequest("pix-crashed", false, "pix", "a mill", null, null, 1, null, Map.of(),
                Map.of(), List.of("outbox")));
        job.setState(JobState.SUBMITTING);
        job.setCreateAttempts(1);
        job.setAcceptedAt(now);
        job.setDeadlineAt(now + 60_000);
        new InlineImages(resultFolders).stage(job, List.of("data:image/png;base64,"
                + Base64.getEncoder().encodeToString(PixStub.image("a mill", 0))));
        job.setNextCheckAt(now);
        jobStore.insertIfAbsent(job, now);

        JsonNode manifest = FOLDERS.awaitEnded("pix-crashed", "DELIVERED", WAIT);

        Path file = FOLDERS.outbox.resolve("pix-crashed").resolve(manifest.path("images").get(0).path("file").asText());
        assertThat(Files.readAllBytes(file)).isEqualTo(PixStub.image("a mill", 0));
        assertThat(PIX.creates("pix-crashed")).isEmpty();
    }

    @Test
    void aModelIsRefusedNamingTheFieldWhereTheProviderTakesNone() {
        FOLDERS.drop("model.json", "{\"id\": \"ai-model\", \"provider\": \"all-images\", \"prompt\": \"a cat\","
                + " \"model\": \"v6\"}");

        JsonNode problem = FOLDERS.awaitFirstProblem("model.json", WAIT);

        assertThat(problem.path("field").asText()).isEqualTo("model");
        assertThat(problem.path("message").asText()).contains("all-images.ai has no model");
        assertThat(store.find("ai-model")).isEmpty();
    }

    /** The API, scripted by the prompt: images as base64 with a cost, a moderation 400, another 400, a lost answer. */
    static final class PixStub extends ScriptedProvider {

        static PixStub start() {
            PixStub stub = new PixStub();
            stub.listen();
            return stub;
        }

        /** Image {@code i} of a prompt: a different picture each, so a mix-up would show. */
        static byte[] image(String prompt, int i) {
            return PromptImage.render(prompt, 32 + i, 24, i, "png");
        }

        List<Call> creates(String jobKey) {
            return calls(c -> c.path().equals("/v1/images/generations") && c.body().contains(
                    "\"user\":\"" + jobKey + "\""));
        }

        @Override
        protected void answer(HttpExchange exchange, Call call) throws IOException {
            if (!call.method().equals("POST") || !call.path().equals("/v1/images/generations")) {
                json(exchange, 404, "{\"error\": {\"message\": \"no such endpoint\"}}");
                return;
            }
            JsonNode request = JSON.readTree(call.body());
            String prompt = request.path("prompt").asText();
            if (prompt.contains("[blocked]")) {
                json(exchange, 400, "{\"error\": {\"code\": \"moderation_blocked\", \"message\": \"Your request was"
                        + " rejected by the safety system\"}}");
            } else if (prompt.contains("[invalid]")) {
                json(exchange, 400, "{\"error\": {\"code\": \"invalid_value\", \"message\": \"quality must be low or"
                        + " high\"}}");
            } else if (prompt.contains("[lost]")) {
                json(exchange, 502, "<html>bad gateway</html>");
            } else {
                StringBuilder data = new StringBuilder();
                int n = request.path("n").asInt(1);
                for (int i = 0; i < n; i++) {
                    data.append(i == 0 ? "" : ", ").append("{\"b64_json\": \"")
                            .append(Base64.getEncoder().encodeToString(image(prompt, i))).append("\"}");
                }
                json(exchange, 200, "{\"created\": 1700000000, \"data\": [" + data + "], \"usage\": {\"cost\": "
                        + (0.04 * n) + "}}");
            }
        }
    }
}
