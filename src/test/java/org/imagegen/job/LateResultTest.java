package org.imagegen.job;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.support.Folders;
import org.imagegen.support.ShippedSimulators;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A generation that finishes after its job's deadline was paid for and is not thrown away: the job is TIMED_OUT at
 * the deadline, checked again at the late interval, and delivered when the generation finishes, with its lateness
 * in its history. The real routes/ and config/, with the simulators and a one-second deadline.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.FAST_BUNDLE, App.CONFIG}, properties = {
        "imagegen.test.folders=late",
        "imagegen.simulator.duration-max=500ms",
        "imagegen.poll.queued-interval=400ms",
        "imagegen.poll.max-backoff=1s",
        "imagegen.poll.deadline=1s",
        "imagegen.poll.late-window=20s",
        "imagegen.poll.late-interval=300ms",
        // BFL keeps a result shorter than the late window: its jobs are checked late for its lifetime only
        "imagegen.providers.bfl.result-lifetime=1s"
})
class LateResultTest extends ShippedSimulators {

    @Test
    void aGenerationFinishedAfterTheDeadlineIsTimedOutThenDelivered() {
        folders.drop("slow.json", "{\"id\": \"ai-late\", \"prompt\": \"a slow cat sim:ms=3000\"}");

        // the requester hears of the deadline at the deadline: the job is TIMED_OUT, yet still has a next check
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).ignoreExceptions().untilAsserted(() -> {
            Job job = store.find("ai-late").orElseThrow();
            assertThat(job.getState()).isEqualTo(JobState.TIMED_OUT);
            assertThat(job.getNextCheckAt()).isNotNull();
        });

        await().atMost(WAIT).untilAsserted(() ->
                assertThat(store.find("ai-late").orElseThrow().getState()).isEqualTo(JobState.DELIVERED));
        List<JobEvent> history = store.history("ai-late");
        assertThat(history.stream().map(JobEvent::state).toList())
                .containsSubsequence(JobState.RUNNING, JobState.TIMED_OUT, JobState.SUCCEEDED, JobState.DELIVERED);
        assertThat(history.stream().filter(e -> e.state() == JobState.TIMED_OUT).toList()).hasSize(1);
        // all-images declares no result lifetime: the global window
        assertThat(history.stream().filter(e -> e.state() == JobState.TIMED_OUT).findFirst().orElseThrow().detail())
                .contains("for PT20S more").doesNotContain("result lifetime");
        assertThat(history.stream().filter(e -> e.state() == JobState.SUCCEEDED).findFirst().orElseThrow().detail())
                .matches(".*finished \\d+ s after the deadline.*");
        assertThat(store.find("ai-late").orElseThrow().getNextCheckAt()).isNull();
        // the outbox folder's record of the time-out gives way to the delivered manifest, with the images
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(folders.awaitManifest("ai-late", WAIT).path("state").asText()).isEqualTo("DELIVERED"));
        JsonNode manifest = folders.awaitManifest("ai-late", WAIT);
        assertThat(manifest.path("images")).hasSize(4);
        assertThat(manifest.toString()).contains("after the deadline");
        assertThat(allImages.createsFor("ai-late")).isEqualTo(1);
    }

    @Test
    void aGenerationThatFailsAfterTheDeadlineEndsTheLateChecksAndStaysTimedOut() {
        folders.drop("slow-fail.json", "{\"id\": \"ai-late-fail\", \"prompt\": \"a slow failure sim:ms=2500 sim:fail\"}");

        awaitTimedOutForGood("ai-late-fail", "did not finish", "then the generation ended FAILED");
        // told once, at the deadline: the late failure adds no second TIMED_OUT (or FAILED) to the history
        assertThat(store.history("ai-late-fail").stream().map(JobEvent::state).toList())
                .containsOnlyOnce(JobState.TIMED_OUT).doesNotContain(JobState.FAILED, JobState.SUCCEEDED);
        assertThat(folders.awaitManifest("ai-late-fail", WAIT).path("reason").asText())
                .contains("then the generation ended FAILED");
        assertThat(allImages.createsFor("ai-late-fail")).isEqualTo(1);
    }

    @Test
    void aProviderThatKeepsResultsShorterThanTheWindowIsCheckedLateForItsLifetimeOnly() {
        // finishes long after the deadline (1s) plus BFL's declared lifetime (1s), well within the global window (20s)
        folders.drop("bfl-slow.json",
                "{\"id\": \"bfl-late\", \"provider\": \"bfl\", \"prompt\": \"a slow fox sim:ms=8000\"}");

        awaitTimedOutForGood("bfl-late", "it had not finished PT1S (bfl's result lifetime) after the deadline");
        List<JobEvent> history = store.history("bfl-late");
        assertThat(history.stream().map(JobEvent::state).toList())
                .containsOnlyOnce(JobState.TIMED_OUT).doesNotContain(JobState.SUCCEEDED, JobState.DELIVERED);
        // the history names the window used: the provider's lifetime, not imagegen.poll.late-window
        assertThat(history.stream().filter(e -> e.state() == JobState.TIMED_OUT).findFirst().orElseThrow().detail())
                .contains("for PT1S (bfl's result lifetime) more");
        assertThat(folders.awaitManifest("bfl-late", WAIT).path("reason").asText())
                .contains("had not finished PT1S (bfl's result lifetime) after the deadline");
    }

    @Test
    void aJobNeverCreatedAtTheProviderIsNotCheckedLate() {
        // every create refused with 503 until the deadline: no generation exists, so nothing is checked late
        folders.drop("never-created.json", "{\"id\": \"ai-never-created\", \"prompt\": \"busy sim:create-503x50\"}");

        awaitTimedOutForGood("ai-never-created");
        assertThat(folders.awaitManifest("ai-never-created", WAIT).path("reason").asText())
                .contains("never accepted").doesNotContain("checked every");
    }

    /** Waits until job {@code id} is TIMED_OUT with no check left (late ones included), its reason holding each. */
    private void awaitTimedOutForGood(String id, String... reason) {
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            Job job = store.find(id).orElseThrow();
            assertThat(job.getState()).isEqualTo(JobState.TIMED_OUT);
            assertThat(job.getNextCheckAt()).isNull();
            for (String part : reason) {
                assertThat(job.getReason()).contains(part);
            }
        });
    }
}
