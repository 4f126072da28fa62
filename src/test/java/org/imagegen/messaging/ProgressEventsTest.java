package org.imagegen.messaging;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.support.BundleTest;
import org.imagegen.support.Folders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Progress in the job events: where the provider tells it (Black Forest Labs' progress, fal's queue position), a
 * running job's history gets a line each time its queue position changes or its progress reaches the next tenth, and
 * the RUNNING event announced for it carries the position or progress, as do the API and the jobs page.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.FAST_BUNDLE, App.CONFIG}, properties = {
        "imagegen.test.folders=progress-events",
        "imagegen.poll.initial-delay=100ms",
        "imagegen.poll.interval=150ms",
        "imagegen.poll.queued-interval=150ms",
        "imagegen.events.endpoints=seda:progress-events?size=10000",
        "imagegen.events.states=SUBMITTED,RUNNING,DELIVERED",
        "imagegen.console.enabled=false"
})
class ProgressEventsTest extends BundleTest {

    private static final Folders FOLDERS = new Folders("progress-events").clean();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRunningJobsProgressAndQueuePositionReachItsEvents() throws Exception {
        FOLDERS.drop("progress.jsonl", """
                {"id": "progress-bfl", "provider": "bfl", "prompt": "a lighthouse sim:ms=4000"}
                {"id": "progress-fal", "provider": "fal", "prompt": "a lighthouse sim:ms=6000"}""");

        assertThat(FOLDERS.awaitManifest("progress-bfl", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(FOLDERS.awaitManifest("progress-fal", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        List<JsonNode> events = received("DELIVERED", 2);

        List<JsonNode> bfl = running(events, "progress-bfl");
        assertThat(bfl).as("BFL's progress, a tenth at a time").hasSizeGreaterThanOrEqualTo(2);
        List<Integer> progress = bfl.stream().filter(e -> e.has("progress")).map(e -> e.path("progress").asInt())
                .toList();
        assertThat(progress).isNotEmpty().isSorted().allMatch(p -> p >= 0 && p < 100);
        assertThat(bfl.stream().map(e -> e.path("detail").asText()).filter(d -> d.startsWith("progress ")))
                .as("each reaching a new tenth").doesNotHaveDuplicates().isNotEmpty();

        List<JsonNode> fal = running(events, "progress-fal");
        assertThat(fal.stream().filter(e -> e.has("position")).map(e -> e.path("position").asInt()))
                .as("fal's queue position").isNotEmpty().allMatch(p -> p >= 0 && p <= 2);
        assertThat(fal.stream().map(e -> e.path("detail").asText())).anyMatch(d -> d.startsWith("queue position "));
    }

    /** The events received until {@code count} of them were in {@code state}. */
    private List<JsonNode> received(String state, int count) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        ConsumerTemplate consumer = context.createConsumerTemplate();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (events.stream().filter(e -> e.path("state").asText().equals(state)).count() < count
                && System.nanoTime() < deadline) {
            String body = consumer.receiveBody("seda:progress-events?size=10000", 1_000, String.class);
            if (body != null) {
                events.add(JSON.readTree(body));
            }
        }
        return events;
    }

    private static List<JsonNode> running(List<JsonNode> events, String key) {
        return events.stream().filter(e -> e.path("jobKey").asText().equals(key))
                .filter(e -> e.path("state").asText().equals("RUNNING")).toList();
    }
}
