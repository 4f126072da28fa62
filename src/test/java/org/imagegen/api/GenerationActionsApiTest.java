package org.imagegen.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.support.ApiBundle;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.imagegen.support.ApiClient.json;

/**
 * Retry and cancel over the HTTP API, against the real routes/ and config/ with the built-in simulators: a failed
 * generation retried as a new paid one, an undeliverable one at its failed sink only, a cancel that deletes the
 * generation at the provider or says it is unknown, and 409 in every state that allows neither.
 */
@ExtendWith(PostgresJobStore.class)
class GenerationActionsApiTest {

    private static final String TOKEN = "actions-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Folders FOLDERS = new Folders("api-actions").clean();
    private static final Path BLOCKED = FOLDERS.root.resolve("blocked-sink");

    @RegisterExtension
    static final ApiBundle BUNDLE = new ApiBundle(FOLDERS, TOKEN, "imagegen.poll.queued-interval=200ms",
            "imagegen.poll.max-backoff=1s", "imagegen.providers.all-images.retry.max=0", "imagegen.delivery.max-attempts=2",
            // a RenderNet create whose answer is lost is parked as NEEDS_ATTENTION, for the cancel test
            "imagegen.providers.rendernet.reconcile-by-list=false",
            "imagegen.sinks.names=outbox,blocked", "imagegen.sinks.blocked.type=file",
            "imagegen.sinks.blocked.root=" + BLOCKED);

    static {
        // a folder sink whose root is a file, until a test replaces it with a folder
        try {
            Files.createDirectories(FOLDERS.root);
            Files.writeString(BLOCKED, "not a folder");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aFailedGenerationIsRetriedAsANewPaidGenerationAndOtherStatesAreAConflict() {
        api().post("/api/generations", "{\"id\": \"api-fail\", \"prompt\": \"this one sim:fail\"}");
        api().awaitState("api-fail", "FAILED", WAIT);
        assertThat(allImages().createsFor("api-fail")).isEqualTo(1);

        HttpResponse<byte[]> retry = api().post("/api/generations/api-fail/retry", "");

        assertThat(retry.statusCode()).isEqualTo(202);
        assertThat(retry.headers().firstValue("Location")).hasValue("/api/generations/api-fail");
        await().atMost(WAIT).until(() -> allImages().createsFor("api-fail") == 2);
        JsonNode job = api().awaitState("api-fail", "FAILED", WAIT);
        assertThat(job.path("states").findValuesAsText("detail"))
                .anyMatch(d -> d.contains("retry requested over the HTTP API") && d.contains("paid again"));
        assertThat(job.path("createAttempts").asInt()).isEqualTo(2);

        api().post("/api/generations", "{\"id\": \"api-done\", \"prompt\": \"a finished one\"}");
        api().awaitState("api-done", "DELIVERED", WAIT);
        HttpResponse<byte[]> conflict = api().post("/api/generations/api-done/retry", "");
        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(json(conflict).path("detail").asText()).contains("DELIVERED");
        assertThat(api().delete("/api/generations/api-done").statusCode()).isEqualTo(409);
        assertThat(allImages().createsFor("api-done")).isEqualTo(1);
    }

    @Test
    void anUndeliverableGenerationIsRetriedAtItsFailedSinkWithoutPayingAgain() throws Exception {
        api().post("/api/generations", "{\"id\": \"api-undeliverable\", \"prompt\": \"a boat\", "
                + "\"sinks\": [\"outbox\", \"blocked\"]}");
        JsonNode failed = api().awaitState("api-undeliverable", "DELIVERY_FAILED", WAIT);
        assertThat(failed.path("sinks").path("outbox").path("state").asText()).isEqualTo("DELIVERED");
        assertThat(failed.path("sinks").path("blocked").path("state").asText()).isEqualTo("FAILED");
        assertThat(failed.path("sinks").path("blocked").path("lastError").asText()).isNotBlank();
        // the kept images can be read while the job waits for a retry
        assertThat(api().get("/api/generations/api-undeliverable/images/1").statusCode()).isEqualTo(200);

        Files.delete(BLOCKED);
        Files.createDirectories(BLOCKED);
        HttpResponse<byte[]> retry = api().post("/api/generations/api-undeliverable/retry", "");

        assertThat(retry.statusCode()).isEqualTo(202);
        JsonNode delivered = api().awaitState("api-undeliverable", "DELIVERED", WAIT);
        assertThat(delivered.path("sinks").path("blocked").path("state").asText()).isEqualTo("DELIVERED");
        assertThat(BLOCKED.resolve("api-undeliverable").resolve("manifest.json")).exists();
        assertThat(allImages().createsFor("api-undeliverable")).isEqualTo(1);
    }

    @Test
    void cancelStopsTheChecksAndDeletesTheGenerationAtTheProvider() throws Exception {
        api().post("/api/generations", "{\"id\": \"api-cancel\", \"prompt\": \"a slow one sim:never\"}");
        JsonNode running = api().awaitState("api-cancel", "RUNNING", WAIT);
        String generation = running.path("providerGenerationId").asText();

        HttpResponse<byte[]> cancelled = api().delete("/api/generations/api-cancel");

        assertThat(cancelled.statusCode()).isEqualTo(200);
        JsonNode body = json(cancelled);
        assertThat(body.path("state").asText()).isEqualTo("CANCELLED");
        assertThat(body.path("providerDelete").asText()).isEqualTo("deleted");
        assertThat(body.path("times").path("nextCheck").isNull()).isTrue();
        // the simulator no longer has the generation
        HttpResponse<String> atProvider = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(allImages().baseUrl() + "/image-generations/" + generation))
                        .header("api-key", "simulated").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(atProvider.statusCode()).isEqualTo(404);
        // no more checks: the count stays where it is for several poll intervals
        int checks = allImages().statsFor("api-cancel").checks();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> allImages().statsFor("api-cancel").checks() == checks);
        assertThat(json(api().get("/api/generations/api-cancel")).path("state").asText()).isEqualTo("CANCELLED");
        assertThat(Folders.readJson(FOLDERS.manifestPath("api-cancel")).path("state").asText()).isEqualTo("CANCELLED");

        HttpResponse<byte[]> again = api().delete("/api/generations/api-cancel");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again).path("detail").asText()).contains("CANCELLED");
        assertThat(api().post("/api/generations/api-cancel/retry", "").statusCode()).isEqualTo(409);
    }

    @Test
    void aJobThatNeedsAttentionCanBeCancelledAndTheAnswerSaysTheGenerationIsUnknown() {
        api().post("/api/generations", "{\"id\": \"api-lost\", \"provider\": \"rendernet\", "
                + "\"prompt\": \"answer lost sim:create-lost\"}");
        api().awaitState("api-lost", "NEEDS_ATTENTION", WAIT);

        HttpResponse<byte[]> cancelled = api().delete("/api/generations/api-lost");

        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(json(cancelled).path("state").asText()).isEqualTo("CANCELLED");
        assertThat(json(cancelled).path("providerDelete").asText()).contains("answer was lost");
    }

    private static ApiClient api() {
        return BUNDLE.api();
    }

    private static AllImagesSimulator allImages() {
        return BUNDLE.simulator("all-images", AllImagesSimulator.class);
    }
}
