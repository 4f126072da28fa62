package org.imagegen.provider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.job.Job;
import org.imagegen.job.JobState;
import org.imagegen.simulator.Fault;
import org.imagegen.simulator.OpenAiSimulator;
import org.imagegen.simulator.SimulatorSettings;
import org.imagegen.support.BundleTest;
import org.imagegen.support.Folders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * OpenAI Images end to end: the real routes/providers/openai.camel.yaml and config/, its key set and its base URL
 * pointed at the built-in OpenAI simulator (started here with that key, so the bundle calls it as the real API, and
 * the test can count its creates per job key). The other providers are simulated as usual (imagegen.simulate=auto,
 * no keys). The global response timeout is 2 s; OpenAI's own (responseTimeout) 30 s. A second definition,
 * "openai-compatible", calls the same simulator without a responseTimeout of its own.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.FAST_BUNDLE, App.CONFIG}, properties = {
        Folders.WITH_TEST_PROVIDERS,
        "imagegen.test.folders=openai",
        "imagegen.simulate=auto",
        "imagegen.poll.queued-interval=200ms",
        "imagegen.providers.openai.api-key=sk-openai-test-key",
        "imagegen.providers.openai.rate-limit.per-second=50",
        "imagegen.providers.openai.rate-limit.burst=50",
        // fewer status-loop workers than slow OpenAI creates: a worker held by one would show
        "imagegen.loop.workers=2",
        "imagegen.providers.openai.max-in-flight=3",
        // every provider call but OpenAI's gives up after 2 s; OpenAI's create may take 30 s
        "imagegen.http.response-timeout=2s",
        "imagegen.providers.openai.response-timeout=30s"
})
class OpenAiTest extends BundleTest {

    private static final String KEY = "sk-openai-test-key";
    private static final OpenAiSimulator OPENAI = (OpenAiSimulator) new OpenAiSimulator(new SimulatorSettings(0,
            Duration.ofMillis(200), Duration.ofMillis(400), 0, 0, 0, 0, Duration.ZERO, KEY, 11, 64)).start();

    /** Made before the bundle starts: what it reads at its start is laid out here. */
    OpenAiTest() {
        // an OpenAI-compatible server read the same way, but with the global response timeout
        folders.addProvider("openai-compatible", """
                baseUrl: "{{imagegen.providers.openai.base-url}}"
                apiKey: "{{imagegen.providers.openai.api-key}}"
                ratePerSecond: "50"
                rateBurst: "50"
                createPath: /v1/images/generations
                createBody: '{model: "gpt-image-1", prompt: .prompt}'
                createOutcome: '{state: "succeeded", images: [.data[].b64_json | "data:image/png;base64," + .]}'
                errorMessage: ".error.message"
                """);
        System.setProperty("imagegen.providers.openai.base-url", OPENAI.baseUrl());
    }

    @AfterAll
    void stopSimulator() {
        OPENAI.close();
        System.clearProperty("imagegen.providers.openai.base-url");
    }

    @Test
    void oneCreateDeliversExactlyTheImagesOpenAiSent() throws IOException {
        folders.drop("harbour.json", """
                {"id": "oa-harbour", "provider": "openai", "prompt": "a harbour at dawn", "count": 3,
                 "aspectRatio": "3:2", "model": "gpt-image-1-mini", "options": {"quality": "low"}}""");

        JsonNode manifest = folders.awaitEnded("oa-harbour", "DELIVERED", WAIT);

        assertThat(OPENAI.createsFor("oa-harbour")).as("one create, paid once").isEqualTo(1);
        assertThat(OPENAI.otherCalls()).as("no status check, no download: the API has none").isZero();
        JsonNode sentBody = OPENAI.requestFor("oa-harbour");
        assertThat(sentBody.path("model").asText()).isEqualTo("gpt-image-1-mini");
        assertThat(sentBody.path("n").asInt()).isEqualTo(3);
        assertThat(sentBody.path("size").asText()).isEqualTo("1536x1024");
        assertThat(sentBody.path("quality").asText()).isEqualTo("low");

        List<byte[]> sent = OPENAI.imagesSent("oa-harbour");
        assertThat(sent).hasSize(3);
        assertThat(manifest.path("images")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode image = manifest.path("images").get(i);
            Path file = folders.outbox.resolve("oa-harbour").resolve(image.path("file").asText());
            byte[] delivered = Files.readAllBytes(file);
            assertThat(delivered).as("image %d as OpenAI sent it", i).isEqualTo(sent.get(i));
            var picture = ImageIO.read(new ByteArrayInputStream(delivered));
            assertThat(picture.getWidth()).as("3:2").isGreaterThan(picture.getHeight());
        }
        // the cost OpenAI reported: its usage's total tokens (the simulator's: 4 prompt tokens, 3 low-quality
        // 1536x1024 images of 408 tokens each)
        assertThat(manifest.path("cost").path("amount").asDouble()).isEqualTo(1228.0);
        assertThat(manifest.path("cost").path("unit").asText()).isEqualTo("tokens");
        Job job = store.find("oa-harbour").orElseThrow();
        assertThat(job.getImageUrls()).as("the job store never holds the images' bytes")
                .allSatisfy(url -> assertThat(url).isEqualTo("data:image/png;base64,"));
    }

    @Test
    void moderationAtTheInputOrTheOutputIsCensoredWithOpenAisMessage() {
        folders.drop("censored.jsonl", """
                {"id": "oa-censor-out", "provider": "openai", "prompt": "a forbidden picture sim:censor"}
                {"id": "oa-censor-in", "provider": "openai", "prompt": "a forbidden prompt sim:censor-input"}
                """);

        for (String id : List.of("oa-censor-out", "oa-censor-in")) {
            JsonNode manifest = folders.awaitEnded(id, "CENSORED", WAIT);
            assertThat(manifest.path("reason").asText()).as(id)
                    .startsWith("Your request was rejected by the safety system");
            assertThat(manifest.path("images")).as(id).isEmpty();
        }
        assertThat(OPENAI.createsFor("oa-censor-out")).as("the output stage: the images were made").isEqualTo(1);
        assertThat(OPENAI.createsFor("oa-censor-in")).as("the input stage: nothing made").isZero();
        assertThat(OPENAI.requestFor("oa-censor-in")).as("but the create was sent, once").isNotNull();
    }

    @Test
    void aBillingLimitAnExhaustedQuotaOrABadParameterFailsWithOpenAisMessage() {
        folders.drop("refused.jsonl", """
                {"id": "oa-billing", "provider": "openai", "prompt": "a bill sim:billing-limit"}
                {"id": "oa-quota", "provider": "openai", "prompt": "a budget sim:no-quota"}
                {"id": "oa-dalle", "provider": "openai", "prompt": "an old model", "model": "dall-e-3"}
                """);

        JsonNode billing = folders.awaitEnded("oa-billing", "FAILED", WAIT);
        JsonNode dalle = folders.awaitEnded("oa-dalle", "FAILED", WAIT);

        assertThat(billing.path("reason").asText()).isEqualTo("openai answered HTTP 400: Billing hard limit has been reached");
        assertThat(dalle.path("reason").asText()).startsWith("openai answered HTTP 400: Invalid value: 'dall-e-3'.");
        JsonNode quota = folders.awaitEnded("oa-quota", "FAILED", WAIT);
        assertThat(quota.path("reason").asText()).isEqualTo("openai answered HTTP 429: You exceeded your current quota,"
                + " please check your plan and billing details.");
        assertThat(store.find("oa-quota").orElseThrow().getCreateAttempts()).as("not sent again").isEqualTo(1);
        assertThat(store.find("oa-billing").orElseThrow().getCreateAttempts()).as("not sent again").isEqualTo(1);
        assertThat(store.find("oa-dalle").orElseThrow().getCreateAttempts()).as("not sent again").isEqualTo(1);
    }

    @Test
    void refusedCreatesAreSentAgainAndPaidOnceWhileAnAnswerThatMayHaveBeenBilledIsParked() {
        folders.drop("faults.jsonl", """
                {"id": "oa-429", "provider": "openai", "prompt": "a queue sim:create-429x2"}
                {"id": "oa-429bare", "provider": "openai", "prompt": "a crowd sim:create-429barex1"}
                {"id": "oa-500", "provider": "openai", "prompt": "a server sim:create-500x1"}
                {"id": "oa-503", "provider": "openai", "prompt": "an engine sim:create-503x1"}
                {"id": "oa-502", "provider": "openai", "prompt": "a gateway sim:create-502x1"}
                {"id": "oa-lost", "provider": "openai", "prompt": "a lost letter sim:create-lost"}
                """);

        for (String id : List.of("oa-429", "oa-429bare", "oa-500", "oa-503")) {
            JsonNode manifest = folders.awaitEnded(id, "DELIVERED", WAIT);
            assertThat(OPENAI.createsFor(id)).as(id + ": refused creates make nothing; one made").isEqualTo(1);
            assertThat(manifest.path("images")).hasSize(1);
        }
        assertThat(faults("oa-429")).containsExactly(Fault.RATE_LIMITED, Fault.RATE_LIMITED);
        assertThat(faults("oa-429bare")).containsExactly(Fault.RATE_LIMITED_BARE);
        assertThat(faults("oa-500")).containsExactly(Fault.SERVER_ERROR);
        assertThat(faults("oa-503")).containsExactly(Fault.UNAVAILABLE);
        assertThat(store.find("oa-429").orElseThrow().getCreateAttempts()).isEqualTo(3);

        for (String id : List.of("oa-502", "oa-lost")) {
            JsonNode manifest = folders.awaitEnded(id, "NEEDS_ATTENTION", WAIT);
            assertThat(manifest.path("reason").asText()).contains("not sent again");
            assertThat(OPENAI.createsFor(id)).as(id + ": made once, never sent again").isEqualTo(1);
        }
        assertThat(OPENAI.otherCalls()).as("no search for a lost create: OpenAI has none").isZero();
    }

    @Test
    void requestsOpenAiCannotTakeAreRejectedNamingTheField() {
        folders.drop("wide.json", "{\"id\": \"oa-wide\", \"provider\": \"openai\", \"prompt\": \"a panorama\","
                + " \"aspectRatio\": \"16:9\"}");
        folders.drop("many.json", "{\"id\": \"oa-many\", \"provider\": \"openai\", \"prompt\": \"a flock\","
                + " \"count\": 11}");

        folders.drop("seeded.json", "{\"id\": \"oa-seeded\", \"provider\": \"openai\", \"prompt\": \"a tide\","
                + " \"seed\": 7}");
        folders.drop("negative.json", "{\"id\": \"oa-negative\", \"provider\": \"openai\", \"prompt\": \"a tide\","
                + " \"negativePrompt\": \"boats\"}");

        // OpenAI has no seed, nor a negative prompt
        assertThat(folders.awaitRejectedFields(WAIT, "wide.json", "many.json", "seeded.json", "negative.json"))
                .containsExactly("aspectRatio", "count", "seed", "negativePrompt");
        for (String id : List.of("oa-wide", "oa-many", "oa-seeded")) {
            assertThat(store.find(id)).as(id).isEmpty();
        }
        assertThat(OPENAI.requestFor("oa-wide")).isNull();
    }

    /**
     * OpenAI answers after 6 s, three times over, past the global 2 s response timeout and with only two status-loop
     * workers: the creates wait on OpenAI's lane, and all-images jobs are delivered meanwhile; then OpenAI's answers
     * arrive within its own 30 s timeout and are delivered. The same wait through a definition without a
     * responseTimeout of its own is given up at 2 s: the create's answer lost, the job parked.
     */
    @Test
    void aSlowSynchronousCreateWaitsOnItsOwnTimeoutAndHoldsNoStatusLoopWorker() {
        folders.drop("slow.jsonl", Folders.jsonl(3, i -> "{\"id\": \"oa-slow-" + i + "\", \"provider\": \"openai\","
                + " \"prompt\": \"a slow painting " + i + " sim:ms=6000\"}"));
        await().atMost(WAIT).until(() -> OPENAI.answersWaiting() == 3);

        folders.drop("quick.jsonl", Folders.jsonl(6, i -> "{\"id\": \"oa-quick-" + i + "\", \"prompt\": \"a quick sketch "
                + i + "\"}"));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(states("oa-quick-", 6)).as("the all-images jobs").containsOnly(JobState.DELIVERED));
        assertThat(OPENAI.answersWaiting()).as("OpenAI's answers still to come").isEqualTo(3);
        assertThat(states("oa-slow-", 3)).as("OpenAI's jobs, their creates open").containsOnly(JobState.SUBMITTING);

        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(states("oa-slow-", 3)).containsOnly(JobState.DELIVERED));
        for (int i = 1; i <= 3; i++) {
            assertThat(OPENAI.createsFor("oa-slow-" + i)).isEqualTo(1);
        }

        folders.drop("compatible.json", "{\"id\": \"oa-compatible-slow\", \"provider\": \"openai-compatible\","
                + " \"prompt\": \"a slow painting sim:ms=6000\"}");
        folders.awaitEnded("oa-compatible-slow", "NEEDS_ATTENTION", WAIT);
        assertThat(OPENAI.createsFor("oa-compatible-slow")).isEqualTo(1);
    }

    private List<Fault> faults(String jobKey) {
        return OPENAI.injectedFaults().stream().filter(f -> f.jobKey().equals(jobKey)).map(f -> f.fault()).toList();
    }

    private List<JobState> states(String prefix, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> store.find(prefix + i).map(Job::getState).orElse(null))
                .toList();
    }
}
