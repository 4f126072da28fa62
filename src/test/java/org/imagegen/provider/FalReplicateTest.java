package org.imagegen.provider;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.job.Job;
import org.imagegen.job.JobState;
import org.imagegen.simulator.ReceivedCalls;
import org.imagegen.support.ApiClient;
import org.imagegen.support.FaultMatrix;
import org.imagegen.support.Folders;
import org.imagegen.support.ShippedSimulators;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.imagegen.support.ApiClient.json;

/**
 * fal.ai and Replicate end to end through the bundle, as shipped: their definitions in routes/providers/, the settings
 * in config/, each provider on its built-in simulator (imagegen.simulate=true). What a request asks for reaches the
 * provider as its own fields; each outcome the API can report ends the job as docs/providers/ says; faults never pay
 * for a generation twice; the key never goes to an image host.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.QUICK_CHECKS, Folders.FAST_BUNDLE,
        App.CONFIG}, properties = {
        "imagegen.test.folders=fal-replicate",
        "imagegen.api.port=0",
        "imagegen.api.token=" + FalReplicateTest.TOKEN,
        "imagegen.console.enabled=false"
})
class FalReplicateTest extends ShippedSimulators {

    static final String TOKEN = "fal-replicate-token-0123456789";
    private static final Folders FOLDERS = new Folders("fal-replicate").clean();

    // ---- fal -------------------------------------------------------------------------------------------------------

    @Test
    void falDeliversWhatTheRequestAskedForItsModelRatioCountAndSeedInFalsOwnFields() {
        FOLDERS.drop("fal-happy.json", """
                {"id": "fal-happy", "provider": "fal", "prompt": "a lighthouse at dusk", "model": "fal-ai/flux/schnell",
                 "aspectRatio": "16:9", "count": 2, "seed": 1234}""");

        JsonNode manifest = FOLDERS.awaitEnded("fal-happy", "DELIVERED", WAIT);

        assertThat(manifest.path("images")).hasSize(2);
        manifest.path("images").forEach(i -> assertThat(Files.exists(FOLDERS.outbox.resolve("fal-happy")
                .resolve(i.path("file").asText()))).isTrue());
        assertThat(fal.received().createCalls("fal-happy")).extracting(ReceivedCalls.Call::uri)
                .as("the model's endpoint; no empty fal_webhook while webhooks are off")
                .containsExactly("/fal-ai/flux/schnell");
        JsonNode body = fal.received().creates("fal-happy").get(0);
        assertThat(body.path("image_size").asText()).isEqualTo("landscape_16_9");
        assertThat(body.path("num_images").asInt()).isEqualTo(2);
        assertThat(body.path("seed").asLong()).isEqualTo(1234);
        assertThat(body.path("prompt").asText()).isEqualTo("a lighthouse at dusk");
        assertThat(fal.createsFor("fal-happy")).isEqualTo(1);
    }

    @Test
    void falShowsTheQueuePositionWhileQueuedThenDelivers() {
        ApiClient api = api(TOKEN);
        // the simulator answers IN_QUEUE for the first 30% of the time, its queue_position counting down from 2
        FOLDERS.drop("fal-queued.json", "{\"id\": \"fal-queued\", \"provider\": \"fal\", \"prompt\": \"a tram sim:ms=8000\"}");

        JsonNode queued = await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> json(api.get("/api/generations/fal-queued")), v -> v.path("position").isInt());
        assertThat(queued.path("position").asInt()).isBetween(0, 2);
        assertThat(queued.path("state").asText()).isIn("SUBMITTED", "RUNNING");

        FOLDERS.awaitEnded("fal-queued", "DELIVERED", WAIT);
        assertThat(json(api.get("/api/generations/fal-queued")).path("position").isNull()).isTrue();
    }

    @Test
    void falFailuresAreReadFromTheResultAfterCompleted() {
        FOLDERS.dropRequests("fal-ends.jsonl");

        JsonNode model = FOLDERS.awaitEnded("fal-model-error", "FAILED", WAIT);
        assertThat(model.path("reason").asText()).contains("no_media_generated").contains("did not generate any media");
        // a 504 with fal's error_type (X-Fal-Error-Type) is fal's answer: FAILED at once, not checked until TIMED_OUT
        JsonNode request = FOLDERS.awaitEnded("fal-request-error", "FAILED", WAIT);
        assertThat(request.path("reason").asText()).isEqualTo("request_timeout: Request timed out");
        endedWith("fal-policy", "CENSORED", "flagged by a content checker");
        endedWith("fal-nsfw-all", "CENSORED", "safety checker flagged every image");
        // some flagged: the clean ones are delivered, the black ones left out
        JsonNode some = FOLDERS.awaitEnded("fal-nsfw-one", "DELIVERED", WAIT);
        assertThat(some.path("images")).hasSize(2);
        for (String key : List.of("fal-model-error", "fal-request-error", "fal-policy", "fal-nsfw-all", "fal-nsfw-one")) {
            assertThat(fal.createsFor(key)).as(key).isEqualTo(1);
        }
    }

    @Test
    void falCancelsAtTheCancelUrlBesideItsStatusUrl() {
        cancelsWhileTheProviderMakesIt("fal-cancel", "fal");
    }

    @Test
    void replicateCancelsThePrediction() {
        cancelsWhileTheProviderMakesIt("rep-cancel", "replicate");
    }

    /** Waits until job {@code id} ended in {@code state}, its manifest's reason saying {@code reason}. */
    private static void endedWith(String id, String state, String reason) {
        assertThat(FOLDERS.awaitEnded(id, state, WAIT).path("reason").asText()).contains(reason);
    }

    /** A job the provider is still making (for 30 s) is cancelled through the API and deleted at the provider. */
    private void cancelsWhileTheProviderMakesIt(String id, String provider) {
        ApiClient api = api(TOKEN);
        FOLDERS.drop(id + ".json", "{\"id\": \"%s\", \"provider\": \"%s\", \"prompt\": \"a kite sim:ms=30000\"}"
                .formatted(id, provider));
        await().atMost(WAIT).until(() -> store.find(id).map(j -> j.getProviderJobId() != null).orElse(false));

        JsonNode cancelled = json(api.delete("/api/generations/" + id));

        assertThat(cancelled.path("state").asText()).as(cancelled.toPrettyString()).isEqualTo("CANCELLED");
        assertThat(cancelled.path("providerDelete").asText()).isEqualTo("deleted");
    }

    // ---- Replicate -------------------------------------------------------------------------------------------------

    @Test
    void replicateDeliversAnArrayOutputWithTheRequestsInputsAndAStringOutputOfAProModel() {
        FOLDERS.drop("rep-happy.jsonl", """
                {"id": "rep-happy", "provider": "replicate", "prompt": "a quiet harbour", "aspectRatio": "3:2",
                 "count": 2, "seed": 77, "model": "black-forest-labs/flux-dev"}
                {"id": "rep-pro", "provider": "replicate", "prompt": "a quiet harbour",
                 "model": "black-forest-labs/flux-1.1-pro"}
                """.replace("\n ", " "));

        JsonNode manifest = FOLDERS.awaitEnded("rep-happy", "DELIVERED", WAIT);
        assertThat(manifest.path("images")).hasSize(2);
        assertThat(replicate.received().createCalls("rep-happy")).extracting(ReceivedCalls.Call::uri)
                .containsExactly("/v1/models/black-forest-labs/flux-dev/predictions");
        JsonNode body = replicate.received().creates("rep-happy").get(0);
        JsonNode input = body.path("input");
        assertThat(input.path("aspect_ratio").asText()).isEqualTo("3:2");
        assertThat(input.path("num_outputs").asInt()).isEqualTo(2);
        assertThat(input.path("seed").asLong()).isEqualTo(77);
        assertThat(body.has("webhook")).as("no webhook while webhooks are off").isFalse();

        JsonNode pro = FOLDERS.awaitEnded("rep-pro", "DELIVERED", WAIT);
        assertThat(pro.path("images")).hasSize(1);
        assertThat(replicate.createsFor("rep-happy")).isEqualTo(1);
        assertThat(replicate.createsFor("rep-pro")).isEqualTo(1);
    }

    @Test
    void replicatesFailedCensoredCanceledAndAbortedPredictionsEndTheJob() {
        FOLDERS.dropRequests("replicate-ends.jsonl");

        endedWith("rep-failed", "FAILED", "the model raised an exception");
        endedWith("rep-nsfw", "CENSORED", "NSFW content");
        endedWith("rep-canceled", "FAILED", "canceled at Replicate");
        endedWith("rep-aborted", "FAILED", "aborted by Replicate");
    }

    // ---- both ------------------------------------------------------------------------------------------------------

    @Test
    void aValueTheProviderCannotTakeIsRejectedNamingTheField() {
        FOLDERS.drop("fal-wide.json", "{\"id\": \"fal-wide\", \"provider\": \"fal\", \"prompt\": \"a dune\","
                + " \"aspectRatio\": \"21:9\"}");
        FOLDERS.drop("fal-many.json", "{\"id\": \"fal-many\", \"provider\": \"fal\", \"prompt\": \"a dune\", \"count\": 5}");
        FOLDERS.drop("rep-odd.json", "{\"id\": \"rep-odd\", \"provider\": \"replicate\", \"prompt\": \"a dune\","
                + " \"aspectRatio\": \"7:5\"}");
        FOLDERS.drop("rep-option.json", "{\"id\": \"rep-option\", \"provider\": \"replicate\", \"prompt\": \"a dune\","
                + " \"options\": {\"guidance\": 3}}");

        assertThat(problemField("fal-wide.json")).isEqualTo("aspectRatio");
        assertThat(problemField("fal-many.json")).isEqualTo("count");
        assertThat(problemField("rep-odd.json")).isEqualTo("aspectRatio");
        assertThat(problemField("rep-option.json")).isEqualTo("options.guidance");
        for (String key : List.of("fal-wide", "fal-many", "rep-odd", "rep-option")) {
            assertThat(fal.createsFor(key) + replicate.createsFor(key)).as(key).isZero();
        }
    }

    @Test
    void rateLimitsAndServerErrorsAreWaitedOutWithOneCreate() {
        FaultMatrix.in(FOLDERS, WAIT).provider("fal", fal)
                .delivered("fal-429", "a fern sim:create-429x1")
                .delivered("fal-429bare", "a fern sim:create-429barex1")
                .delivered("fal-check-5xx", "a fern sim:check-500x1 sim:check-503x1")
                .delivered("fal-check-malformed", "a fern sim:check-malformedx1")
                .provider("replicate", replicate)
                .delivered("rep-429", "a fern sim:create-429x1")
                .delivered("rep-429bare", "a fern sim:create-429barex1")
                .delivered("rep-503", "a fern sim:create-503x1")
                .delivered("rep-check-5xx", "a fern sim:check-500x1 sim:check-502x1")
                .delivered("rep-check-malformed", "a fern sim:check-malformedx1")
                .dropAndCheck("faults.jsonl");
    }

    @Test
    void aCreateWhoseAnswerIsLostOrUnreadableIsParkedNeverSentTwice() {
        FaultMatrix.in(FOLDERS, WAIT).provider("fal", fal)
                .parked("fal-lost", "a moth sim:create-lost")
                .parked("fal-create-malformed", "a moth sim:create-malformedx1")
                .provider("replicate", replicate)
                .parked("rep-lost", "a moth sim:create-lost")
                .parked("rep-create-502", "a moth sim:create-502x1")
                .parked("rep-create-malformed", "a moth sim:create-malformedx1")
                .dropAndCheck("lost.jsonl");

        // the job store holds what the manifests say
        for (String key : List.of("fal-lost", "fal-create-malformed", "rep-lost", "rep-create-502",
                "rep-create-malformed")) {
            assertThat(store.find(key).map(Job::getState)).as(key).contains(JobState.NEEDS_ATTENTION);
        }
    }

    @Test
    void theKeyGoesToTheApiNeverToAnImageHost() {
        FOLDERS.drop("hosts.jsonl", """
                {"id": "fal-hosts", "provider": "fal", "prompt": "a gull"}
                {"id": "rep-hosts", "provider": "replicate", "prompt": "a gull"}
                """);

        assertThat(FOLDERS.awaitManifest("fal-hosts", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(FOLDERS.awaitManifest("rep-hosts", WAIT).path("state").asText()).isEqualTo("DELIVERED");

        assertKeyOnlyToTheApi(fal);
        assertKeyOnlyToTheApi(replicate);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private String problemField(String file) {
        return FOLDERS.awaitRejectedField(file, WAIT);
    }
}
