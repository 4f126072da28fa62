package org.imagegen.provider;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.simulator.BflSimulator;
import org.imagegen.simulator.ReceivedCalls;
import org.imagegen.support.ApiClient;
import org.imagegen.support.FaultMatrix;
import org.imagegen.support.Folders;
import org.imagegen.support.ShippedSimulators;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Black Forest Labs end to end, offline: routes/providers/bfl.camel.yaml as shipped, run against its built-in
 * simulator (imagegen.simulate=true), from a request file or the HTTP API to the outbox and manifest. What the
 * simulator received is the evidence: the create's own fields, the polling URL called as returned, which calls
 * carried x-key, and how many paid creates each job key made.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {"classpath:provider-end-to-end.properties",
        Folders.QUICK_CHECKS, Folders.FAST_BUNDLE, App.CONFIG}, properties = {
        "imagegen.test.folders=bfl",
        "imagegen.api.token=bfl-test-token-0123456789"
})
class BflTest extends ShippedSimulators {

    @Test
    void aRequestReachesBflAsItsOwnFieldsIsPolledAtItsPollingUrlAndDelivered() {
        folders.drop("fox.json", """
                {"id": "bfl-fox", "provider": "bfl", "prompt": "a red fox in snow", "model": "flux-2-pro",
                 "aspectRatio": "16:9", "seed": 42, "options": {"output_format": "png"}}""");

        JsonNode manifest = folders.awaitEnded("bfl-fox", "DELIVERED", WAIT);

        assertThat(manifest.path("images")).hasSize(1);
        JsonNode image = manifest.path("images").get(0);
        assertThat(folders.outbox.resolve("bfl-fox").resolve(image.path("file").asText())).isNotEmptyFile();
        assertThat(image.path("sourceUrl").asText()).startsWith("http://" + BflSimulator.IMAGE_HOST + ":" + bfl.port()
                + "/results/").contains("?se=").contains("&sig=");
        // flux-2-pro costs 3 credits a task in the simulator, as BFL reports it
        assertThat(manifest.path("cost").path("amount").asDouble()).isEqualTo(3.0);
        assertThat(manifest.path("cost").path("unit").asText()).isEqualTo("credits");

        List<JsonNode> creates = bfl.received().creates("bfl-fox");
        assertThat(creates).hasSize(1);
        JsonNode body = creates.get(0);
        assertThat(body.path("prompt").asText()).isEqualTo("a red fox in snow");
        assertThat(body.path("width").asInt()).isEqualTo(1344);
        assertThat(body.path("height").asInt()).isEqualTo(768);
        assertThat(body.path("seed").asLong()).isEqualTo(42);
        assertThat(body.path("output_format").asText()).isEqualTo("png");
        assertThat(body.has("aspect_ratio")).isFalse();
        assertThat(bfl.createsFor("bfl-fox")).isEqualTo(1);

        String task = manifest.path("providerGenerationId").asText();
        List<ReceivedCalls.Call> calls = bfl.received().calls();
        assertThat(calls).filteredOn(c -> c.method().equals("POST")).extracting(ReceivedCalls.Call::uri)
                .contains("/v1/flux-2-pro");
        // the polling_url exactly as returned: its path and its query string
        List<ReceivedCalls.Call> polls = calls.stream().filter(c -> c.uri().contains(task)
                && c.uri().startsWith("/v1/")).toList();
        assertThat(polls).isNotEmpty().allSatisfy(c -> assertThat(c.uri()).isEqualTo("/v1/get_result?id=" + task));
        // x-key with every call to the API host, never with a call to the image host
        assertKeyOnlyToTheApi(bfl);
    }

    @Test
    void anUltraModelGetsTheAspectRatioItselfAndTheApiShowsTheCostInCredits() {
        ApiClient api = api("bfl-test-token-0123456789");
        HttpResponse<byte[]> accepted = api.post("/api/generations", """
                {"id": "bfl-ultra", "provider": "bfl", "prompt": "a wide shore at dawn",
                 "model": "flux-pro-1.1-ultra", "aspectRatio": "21:9"}""");
        assertThat(accepted.statusCode()).as(new String(accepted.body())).isEqualTo(202);

        JsonNode job = api.awaitState("bfl-ultra", "DELIVERED", WAIT);
        assertThat(job.path("cost").path("amount").asDouble()).isEqualTo(6.0);
        assertThat(job.path("cost").path("unit").asText()).isEqualTo("credits");
        assertThat(job.path("images")).hasSize(1);

        JsonNode body = bfl.received().creates("bfl-ultra").get(0);
        assertThat(body.path("aspect_ratio").asText()).isEqualTo("21:9");
        assertThat(body.has("width")).isFalse();
        assertThat(bfl.received().calls()).filteredOn(c -> c.method().equals("POST"))
                .extracting(ReceivedCalls.Call::uri).contains("/v1/flux-pro-1.1-ultra");
        assertThat(bfl.createsFor("bfl-ultra")).isEqualTo(1);
    }

    @Test
    void whatBflCannotTakeIsRejectedNamingTheField() {
        folders.drop("negative.json", "{\"id\": \"bfl-negative\", \"provider\": \"bfl\", \"prompt\": \"a cat\","
                + " \"negativePrompt\": \"dogs\"}");
        folders.drop("two.json", "{\"id\": \"bfl-two\", \"provider\": \"bfl\", \"prompt\": \"a cat\", \"count\": 2}");
        folders.drop("ratio.json", "{\"id\": \"bfl-ratio\", \"provider\": \"bfl\", \"prompt\": \"a cat\","
                + " \"aspectRatio\": \"2:1\"}");

        assertThat(folders.awaitRejectedFields(WAIT, "negative.json", "two.json", "ratio.json"))
                .containsExactly("negativePrompt", "count", "aspectRatio");
        assertNeverSent(bfl, "bfl-negative", "bfl-two", "bfl-ratio");
    }

    @Test
    void everyModerationFormEndsCensoredAndAnErrorOrAForgottenTaskFailed() {
        folders.dropRequests("bfl-ends.jsonl");

        JsonNode request = folders.awaitEnded("bfl-request-moderated", "CENSORED", WAIT);
        JsonNode content = folders.awaitEnded("bfl-content-moderated", "CENSORED", WAIT);
        JsonNode error = folders.awaitEnded("bfl-error", "FAILED", WAIT);
        JsonNode notFound = folders.awaitEnded("bfl-task-not-found", "FAILED", WAIT);

        assertThat(request.path("reason").asText()).contains("Request Moderated").contains("Prompt");
        assertThat(content.path("reason").asText()).contains("Content Moderated");
        assertThat(error.path("reason").asText()).contains("Generation failed (simulated)");
        assertThat(notFound.path("reason").asText()).contains("Task not found");
        for (JsonNode m : List.of(request, content, error, notFound)) {
            assertThat(m.path("cost").path("unit").asText()).as(m.path("id").asText()).isEqualTo("credits");
            assertThat(bfl.createsFor(m.path("id").asText())).as(m.path("id").asText()).isEqualTo(1);
            assertThat(m.path("images")).isEmpty();
        }
    }

    @Test
    void faultsAreWaitedOutOrParkedAndNoJobKeyIsEverCreatedTwice() {
        FaultMatrix.in(folders, WAIT).provider("bfl", bfl)
                .delivered("bfl-429", "a heron sim:create-429x1 sim:retry-after=1")
                .delivered("bfl-429bare", "a heron sim:create-429barex1")
                .delivered("bfl-503", "a heron sim:create-503x1")
                .delivered("bfl-check-5xx", "a heron sim:check-500x1 sim:check-502x1")
                .delivered("bfl-check-429", "a heron sim:check-429x1")
                .delivered("bfl-malformed", "a heron sim:check-malformedx1")
                .delivered("bfl-slow", "a heron sim:create-slowx1 sim:check-slowx1")
                // a create whose answer was lost or unreadable, or a 500 after which nobody knows: parked, never
                // sent again
                .parked("bfl-lost", "a heron sim:create-lost")
                .parked("bfl-create-malformed", "a heron sim:create-malformedx1")
                // BFL refused that one before making anything; the bundle cannot know that from a 500
                .parkedUnmade("bfl-create-500", "a heron sim:create-500x1")
                .dropAndCheck("faults.jsonl");

        // a refused create was sent again, once; the second went after the Retry-After BFL asked for
        List<ReceivedCalls.Call> creates429 = bfl.received().createCalls("bfl-429");
        assertThat(bfl.received().creates("bfl-429")).hasSize(2);
        assertThat(bfl.received().creates("bfl-429bare")).hasSize(2);
        assertThat(bfl.received().creates("bfl-503")).hasSize(2);
        assertThat(creates429).hasSize(2);
        assertThat(creates429.get(1).at() - creates429.get(0).at()).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void theImagesAreDownloadedAtOnceWhileTheirUrlsStillWork() throws Exception {
        // BFL's sample URLs expire 10 minutes after the task is ready; here after 5 seconds
        bfl.setImageLifetime(Duration.ofSeconds(5));
        try {
            folders.drop("brief.json", "{\"id\": \"bfl-brief\", \"provider\": \"bfl\", \"prompt\": \"a brief moth\"}");

            JsonNode manifest = folders.awaitEnded("bfl-brief", "DELIVERED", WAIT);

            assertThat(folders.outbox.resolve("bfl-brief").resolve(manifest.path("images").get(0).path("file").asText()))
                    .isNotEmptyFile();
            // the URL it was downloaded from did expire: the lifetime was real, the download was within it
            String url = manifest.path("images").get(0).path("sourceUrl").asText();
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(WAIT).until(() -> http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 403);
        } finally {
            bfl.setImageLifetime(Duration.ofMinutes(10));
        }
    }
}
