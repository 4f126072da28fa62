package org.imagegen.provider;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.BeanInject;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
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

    /** The fault table, one row a fault, in test resources: its comments group the faults by the outcome they share. */
    static List<FaultCase> cases() throws IOException {
        CSVFormat table = CSVFormat.DEFAULT.builder().setCommentMarker('#').setHeader().setSkipHeaderRecord(true)
                .get();
        InputStream csv = ProviderFaultsTest.class.getResourceAsStream("/faults/provider-faults.csv");
        try (Reader in = new InputStreamReader(csv, StandardCharsets.UTF_8); CSVParser rows = table.parse(in)) {
            return rows.stream().map(r -> new FaultCase(r.get("id"), r.get("provider"), r.get("directives"),
                    JobState.valueOf(r.get("state")), r.get("reason").isEmpty() ? null : r.get("reason"),
                    Integer.parseInt(r.get("creates")), Integer.parseInt(r.get("createAttempts")))).toList();
        }
    }

    @BeanInject("operatorActions")
    OperatorActions jobs;

    private boolean dropped;

    @BeforeEach
    void dropEveryCaseOnce() throws IOException {
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
