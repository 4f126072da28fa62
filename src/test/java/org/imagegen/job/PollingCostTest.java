package org.imagegen.job;

import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.simulator.ProviderSimulator.GenerationStats;
import org.imagegen.simulator.ProviderSimulator;
import org.imagegen.support.Folders;
import org.imagegen.support.ShippedSimulators;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Regression guard for the benchmark (mvn -Pbench verify), compressed: 1,000 jobs with simulated durations of
 * 2-6 s and a latency bound X = 1 s. Nothing may be lost, nothing created twice, and the status checks per job
 * must stay within 1.25 times the theoretical minimum for that bound. Counts only; no time is measured.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = App.CONFIG, properties = {
        "imagegen.inbox=target/it/polling-cost/inbox",
        "imagegen.outbox=target/it/polling-cost/outbox",
        "imagegen.data=target/it/polling-cost/data",
        "imagegen.simulate=true",
        "imagegen.simulator.duration-min=2s",
        "imagegen.simulator.duration-max=6s",
        "imagegen.simulator.image-size=32",
        "imagegen.poll.initial-delay=2s",
        "imagegen.poll.interval=1s",
        "imagegen.poll.queued-interval=2s",
        "imagegen.providers.all-images.rate-limit.per-second=5000",
        "imagegen.providers.rendernet.rate-limit.per-second=5000",
        // the planner's own cost: every check is the job's own, none answered by a bulk status list
        "imagegen.providers.all-images.bulk-status=false",
        "imagegen.providers.rendernet.bulk-status=false",
        "imagegen.loop.tick=50ms",
        "imagegen.inbox.poll=100ms",
        "imagegen.inbox.stable=100ms"
})
class PollingCostTest extends ShippedSimulators {

    private static final int JOBS = 1000;
    private static final long SHORTEST_MS = 2000;
    private static final long X_MS = 1000;
    private static final Folders FOLDERS = new Folders("polling-cost").clean();

    @Test
    void aThousandJobsAreAllDeliveredWithChecksNearTheMinimum() {
        Map<String, ProviderSimulator> providerOf = new LinkedHashMap<>();
        for (int file = 0; file < 10; file++) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < JOBS / 10; i++) {
                String id = "cost-" + file + "-" + i;
                boolean allImagesJob = i % 2 == 0;
                providerOf.put(id, allImagesJob ? allImages : rendernet);
                lines.append("{\"id\": \"").append(id).append("\", \"provider\": \"")
                        .append(allImagesJob ? "all-images" : "rendernet").append("\", \"prompt\": \"job ").append(id)
                        .append("\"}\n");
            }
            FOLDERS.drop("batch-" + file + ".jsonl", lines.toString());
        }

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> providerOf.keySet().stream().allMatch(id -> Files.exists(FOLDERS.manifestPath(id))));

        long checks = 0;
        long minimum = 0;
        for (Map.Entry<String, ProviderSimulator> job : providerOf.entrySet()) {
            String id = job.getKey();
            ProviderSimulator simulator = job.getValue();
            assertThat(Folders.readJson(FOLDERS.manifestPath(id)).path("state").asText()).as(id).isEqualTo("DELIVERED");
            assertThat(simulator.createsFor(id)).as("creates for %s", id).isEqualTo(1);
            GenerationStats stats = simulator.statsFor(id);
            checks += stats.checks();
            minimum += minimumChecks(stats.durationMs());
        }
        double ratio = (double) checks / minimum;
        assertThat(ratio).as("status checks %d against a theoretical minimum of %d", checks, minimum)
                .isLessThanOrEqualTo(1.25);
    }

    /** With the shortest duration D known: checks at D + X, D + 2X, ... see every job within X of its end. */
    static long minimumChecks(long durationMs) {
        return 1 + (long) Math.ceil(Math.max(0, durationMs - SHORTEST_MS - X_MS) / (double) X_MS);
    }
}
