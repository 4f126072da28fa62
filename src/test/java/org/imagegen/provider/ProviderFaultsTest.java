package org.imagegen.provider;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.job.JobState;
import org.imagegen.job.OperatorActions;
import org.imagegen.simulator.Fault;
import org.imagegen.simulator.ProviderSimulator;
import org.imagegen.support.Folders;
import org.imagegen.support.ShippedSimulators;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every provider fault the simulators can inject (prompt directives, see {@code Scenario}), through the real
 * routes/ and config/, with the outcome each must have: retried until it works, failed or parked with a clear
 * reason, or DELIVERY_FAILED with what arrived kept. One row per fault; all rows are dropped as one batch at the
 * start, so the deadlines of the rows that must time out run side by side.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.FAST_BUNDLE, App.CONFIG}, properties = {
        "imagegen.test.folders=faults",
        // every 429 pauses the whole provider key (1 s, and 3 s in the Retry-After test): deadlines leave room
        // for those pauses to add up
        // a slow answer takes longer than the bundle waits for one; the wait leaves an ordinary answer room on a
        // loaded machine (a tighter one turned ordinary answers into lost ones there)
        "imagegen.simulator.slow-delay=3s",
        "imagegen.http.response-timeout=1500ms",
        "imagegen.poll.queued-interval=400ms",
        "imagegen.poll.max-backoff=1s",
        "imagegen.providers.all-images.poll.deadline=16s",
        "imagegen.providers.rendernet.poll.deadline=16s",
        "imagegen.delivery.max-attempts=3",
        // RenderNet's lost creates are parked, not looked for in its list (RenderNetReconcileTest covers that)
        "imagegen.providers.rendernet.reconcile-by-list=false",
        // the faults are injected into each job's own status checks: no bulk status list answers them instead
        // (BulkStatusTest covers the lists)
        "imagegen.providers.all-images.bulk-status=false",
        "imagegen.providers.rendernet.bulk-status=false",
        // the simulated images are a few kB; a "huge" one is padded with 2 MiB
        "imagegen.delivery.max-image-bytes=1048576"
})
class ProviderFaultsTest extends ShippedSimulators {

    private static final String AI = "all-images";
    private static final String RN = "rendernet";

    /**
     * One fault and its outcome. {@code creates}: generations the simulator made for the job (never more than
     * one); {@code createAttempts}: creates the bundle sent, as its manifest records them (0: not checked).
     */
    record FaultCase(String id, String provider, String directives, JobState state, String reason, int creates,
                     int createAttempts) {

        String line() {
            return "{\"id\": \"" + id + "\", \"provider\": \"" + provider + "\", \"prompt\": \"fault " + id + " "
                    + directives + "\"}";
        }

        @Override
        public String toString() {
            return id + " [" + directives + "] -> " + state;
        }
    }

    static List<FaultCase> cases() {
        return List.of(
                // status checks: rate limits, server errors, slow and unreadable answers only delay the job ...
                new FaultCase("check-429", AI, "sim:429x2", JobState.DELIVERED, null, 1, 1),
                new FaultCase("check-429-bare", RN, "sim:check-429barex2", JobState.DELIVERED, null, 1, 1),
                new FaultCase("check-500", RN, "sim:check-500x2", JobState.DELIVERED, null, 1, 1),
                new FaultCase("check-502", AI, "sim:check-502x2", JobState.DELIVERED, null, 1, 1),
                new FaultCase("check-503", AI, "sim:check-503x2", JobState.DELIVERED, null, 1, 1),
                new FaultCase("check-slow", AI, "sim:check-slowx1", JobState.DELIVERED, null, 1, 1),
                new FaultCase("check-malformed", AI, "sim:check-malformedx2", JobState.DELIVERED, null, 1, 1),
                new FaultCase("check-html", RN, "sim:check-htmlx2", JobState.DELIVERED, null, 1, 1),
                // ... and, when they never stop, end in TIMED_OUT at the deadline with the last problem named
                new FaultCase("check-503-forever", RN, "sim:check-503x9999", JobState.TIMED_OUT, "HTTP 503", 1, 1),
                new FaultCase("check-malformed-forever", RN, "sim:check-malformedx9999", JobState.TIMED_OUT,
                        "malformed JSON", 1, 1),
                new FaultCase("check-html-forever", AI, "sim:check-htmlx9999", JobState.TIMED_OUT,
                        "an HTML page instead of JSON", 1, 1),
                new FaultCase("never-finishes", AI, "sim:never", JobState.TIMED_OUT, "did not finish", 1, 1),
                // creates refused before anything was made: sent again later, one generation in the end
                new FaultCase("create-429", AI, "sim:create-429x1", JobState.DELIVERED, null, 1, 2),
                new FaultCase("create-429-bare", RN, "sim:create-429barex1", JobState.DELIVERED, null, 1, 2),
                new FaultCase("create-503", RN, "sim:create-503x2", JobState.DELIVERED, null, 1, 3),
                // ambiguous creates (500, 502, an HTML page, a cut-off answer, too slow): reconciled, never re-sent
                // blindly. all-images is searched by tag: found (made) or not found (then sent again) ...
                new FaultCase("create-500", AI, "sim:create-500x1", JobState.DELIVERED, null, 1, 2),
                new FaultCase("create-html", AI, "sim:create-htmlx1", JobState.DELIVERED, null, 1, 2),
                new FaultCase("create-502", AI, "sim:create-502x1", JobState.DELIVERED, null, 1, 1),
                new FaultCase("create-malformed", AI, "sim:create-malformedx1", JobState.DELIVERED, null, 1, 1),
                new FaultCase("create-slow", AI, "sim:create-slowx1", JobState.DELIVERED, null, 1, 1),
                new FaultCase("create-lost-find-503", AI, "sim:create-lost sim:find-503x2", JobState.DELIVERED,
                        null, 1, 1),
                // ... unless the search cannot settle it: then a person decides
                new FaultCase("create-lost-find-malformed", AI, "sim:create-lost sim:find-malformedx9999",
                        JobState.NEEDS_ATTENTION, "could not search all-images.ai", 1, 1),
                new FaultCase("create-lost-find-503-forever", AI, "sim:create-lost sim:find-503x9999",
                        JobState.NEEDS_ATTENTION, "could not be searched before the deadline", 1, 1),
                // RenderNet cannot be searched by job key: every ambiguous create is parked, made or not
                new FaultCase("rn-create-500", RN, "sim:create-500x1", JobState.NEEDS_ATTENTION, "not sent again", 0, 1),
                new FaultCase("rn-create-502", RN, "sim:create-502x1", JobState.NEEDS_ATTENTION, "not sent again", 1, 1),
                new FaultCase("rn-create-slow", RN, "sim:create-slowx1", JobState.NEEDS_ATTENTION, "not sent again", 1, 1),
                new FaultCase("rn-create-malformed", RN, "sim:create-malformedx1", JobState.NEEDS_ATTENTION,
                        "malformed JSON", 1, 1),
                // downloads: the last image fails, the others arrive and are kept
                new FaultCase("image-404", AI, "sim:image-404x9999", JobState.DELIVERY_FAILED,
                        "HTTP 404 (the URL may have expired)", 1, 1),
                new FaultCase("image-403", AI, "sim:image-403x9999", JobState.DELIVERY_FAILED,
                        "HTTP 403 (the URL may have expired)", 1, 1),
                new FaultCase("image-not-an-image", RN, "sim:image-notimagex9999", JobState.DELIVERY_FAILED,
                        "is not an image (Content-Type text/html", 1, 1),
                new FaultCase("image-huge", AI, "sim:image-hugex9999", JobState.DELIVERY_FAILED,
                        "imagegen.delivery.max-image-bytes", 1, 1),
                new FaultCase("image-truncated", AI, "sim:image-truncatedx2", JobState.DELIVERED, null, 1, 1),
                new FaultCase("image-mislabelled", RN, "sim:image-mislabelledx9999", JobState.DELIVERED, null, 1, 1));
    }

    @BeanInject("operatorActions")
    OperatorActions jobs;

    private boolean dropped;

    @BeforeEach
    void dropEveryCaseOnce() {
        if (!dropped) {
            StringBuilder batch = new StringBuilder();
            cases().forEach(c -> batch.append(c.line()).append('\n'));
            // fails delivery 3 times (imagegen.delivery.max-attempts), then answers: for the operator's retry
            batch.append(new FaultCase("image-404-then-retried", AI, "sim:image-404x3", JobState.DELIVERY_FAILED,
                    null, 1, 1).line()).append('\n');
            folders.drop("faults.jsonl", batch.toString());
            dropped = true;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachFaultHasItsOutcome(FaultCase c) {
        JsonNode manifest = folders.awaitManifest(c.id(), WAIT);

        assertThat(manifest.path("state").asText()).as(manifest.toPrettyString()).isEqualTo(c.state().name());
        if (c.reason() != null) {
            assertThat(manifest.path("reason").asText()).contains(c.reason());
        }
        assertThat(simulator(c.provider()).createsFor(c.id())).as("generations made").isEqualTo(c.creates());
        assertThat(manifest.path("createAttempts").asInt()).as("creates sent").isEqualTo(c.createAttempts());
        if (c.state() == JobState.DELIVERED) {
            assertThat(manifest.path("images")).isNotEmpty();
        }
        String[] faultNames = c.directives().replaceAll(".*sim:(?:\\w+-)?(\\w+?)x\\d+.*", "$1").split(" ");
        Fault fault = Fault.of(faultNames[0]);
        if (fault != null) {
            // the directive really reached the simulator: the outcome is the fault's, not a lucky path's
            assertThat(simulator(c.provider()).injectedFaults()).anyMatch(i -> i.jobKey().equals(c.id())
                    && i.fault() == fault);
        }
    }

    @Test
    void aDownloadCutShortIsRetriedAndNoCorruptImageIsDelivered() throws IOException {
        JsonNode manifest = folders.awaitEnded("image-truncated", "DELIVERED", WAIT);

        assertThat(manifest.path("images")).hasSize(4);
        for (JsonNode image : manifest.path("images")) {
            Path file = folders.outbox.resolve("image-truncated").resolve(image.path("file").asText());
            assertThat(Files.size(file)).isEqualTo(image.path("bytes").asLong());
            BufferedImage decoded = ImageIO.read(file.toFile());
            assertThat(decoded).as(file + " decodes").isNotNull();
            assertThat(decoded.getWidth()).isEqualTo(384);
        }
        assertThat(allImages.injectedFaults()).filteredOn(i -> i.jobKey().equals("image-truncated")).hasSize(2);
        try (Stream<Path> files = Files.walk(folders.outbox.resolve("image-truncated"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
        }
    }

    @Test
    void anExpiredImageUrlFailsDeliveryKeepsWhatArrivedAndCanBeRetried() {
        JsonNode manifest = awaitOutcome("image-404");

        assertThat(manifest.path("state").asText()).isEqualTo("DELIVERY_FAILED");
        assertThat(manifest.path("reason").asText()).contains("image 4").contains("kept under data/staging/image-404");
        Path staging = folders.data.resolve("staging").resolve("image-404");
        assertThat(staging.resolve("1.jpg")).exists();
        assertThat(staging.resolve("2.jpg")).exists();
        assertThat(staging.resolve("3.jpg")).exists();
        assertThat(staging.resolve("4.jpg")).doesNotExist();
        assertThat(store.find("image-404").orElseThrow().getDeliveryAttempts()).isEqualTo(3);
    }

    @Test
    void aFailedDeliveryIsDeliveredWhenRetriedAfterTheUrlAnswersAgain() {
        await().atMost(WAIT).until(() -> store.find("image-404-then-retried").map(j -> j.getState())
                .orElse(null) == JobState.DELIVERY_FAILED);
        // the simulator's 3 failures are used up: the operator's retry finds the image
        assertThat(jobs.retryDelivery("image-404-then-retried")).isTrue();

        await().atMost(WAIT).until(() -> store.find("image-404-then-retried").orElseThrow().getState()
                == JobState.DELIVERED);
        JsonNode manifest = Folders.readJson(folders.manifestPath("image-404-then-retried"));
        assertThat(manifest.path("state").asText()).isEqualTo("DELIVERED");
        assertThat(manifest.path("images")).hasSize(4);
        assertThat(allImages.createsFor("image-404-then-retried")).isEqualTo(1);
    }

    @Test
    void anImageOverTheSizeLimitIsNotDownloadedAgain() {
        awaitOutcome("image-huge");

        assertThat(store.find("image-huge").orElseThrow().getDeliveryAttempts()).isEqualTo(1);
        assertThat(allImages.injectedFaults()).filteredOn(i -> i.jobKey().equals("image-huge")).hasSize(1);
    }

    @Test
    void anImageSentWithAWrongContentTypeIsJudgedByItsBytes() {
        JsonNode manifest = folders.awaitEnded("image-mislabelled", "DELIVERED", WAIT);

        assertThat(manifest.path("images").get(0).path("contentType").asText()).isEqualTo("image/png");
    }

    @Test
    void aRetryAfterPausesEveryCallOnTheProviderKeyNotJustTheJobThatGotIt() {
        folders.drop("pause-a.json", "{\"id\": \"pause-a\", \"prompt\": \"first sim:create-429x1 sim:retry-after=3\"}");
        await().atMost(WAIT).until(() -> allImages.injectedFaults().stream()
                .anyMatch(i -> i.jobKey().equals("pause-a")));
        long answered429At = allImages.injectedFaults().stream().filter(i -> i.jobKey().equals("pause-a"))
                .findFirst().orElseThrow().at();

        // another job on the same key, arriving after the 429: its create waits for the pause too
        folders.drop("pause-b.json", "{\"id\": \"pause-b\", \"prompt\": \"second, no fault of its own\"}");

        assertThat(folders.awaitManifest("pause-b", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(folders.awaitManifest("pause-a", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        // ordering, on the simulator's own clock: no create on the key before the Retry-After had passed
        assertThat(allImages.statsFor("pause-b").startedAt()).isGreaterThanOrEqualTo(answered429At + 3000);
        assertThat(allImages.statsFor("pause-a").startedAt()).isGreaterThanOrEqualTo(answered429At + 3000);
    }

    private ProviderSimulator simulator(String provider) {
        return provider.equals(AI) ? allImages : rendernet;
    }

    /**
     * The job's manifest once its row in the job store records the same outcome (the manifest is written first), for
     * the assertions that read the row.
     */
    private JsonNode awaitOutcome(String id) {
        JsonNode manifest = folders.awaitManifest(id, WAIT);
        await().atMost(WAIT).until(() -> store.find(id).orElseThrow().getState().name()
                .equals(manifest.path("state").asText()));
        return manifest;
    }
}
