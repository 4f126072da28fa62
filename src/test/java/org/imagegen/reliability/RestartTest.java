package org.imagegen.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.imagegen.job.JobState;
import org.imagegen.job.JobQueries;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.simulator.SimulatorSettings;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Jobs survive a restart: the bundle is stopped while generations are still running at the providers, a new one
 * starts on the same folders and finishes every job, and no provider saw a second create. The providers here are
 * stand-alone simulators reached through the documented settings (base URL and API key), as a real service would be.
 */
@ExtendWith(PostgresJobStore.class)
class RestartTest {

    private static final int JOBS = 12;
    private static AllImagesSimulator allImages;
    private static RenderNetSimulator rendernet;

    @BeforeAll
    static void startProviders() {
        SimulatorSettings settings = new SimulatorSettings(0, Duration.ofMillis(1500), Duration.ofMillis(2500),
                0, 0, 0, 0, Duration.ZERO, "test-key", 7, 64);
        allImages = (AllImagesSimulator) new AllImagesSimulator(settings).start();
        rendernet = (RenderNetSimulator) new RenderNetSimulator(settings).start();
    }

    @AfterAll
    static void stopProviders() {
        allImages.close();
        rendernet.close();
    }

    @Test
    void jobsInFlightAtAStopAreFinishedByTheNextStartWithoutASecondCreate() throws Exception {
        Folders folders = new Folders("restart").clean();
        List<String> settings = new ArrayList<>(List.of(folders.properties()));
        settings.addAll(List.of(
                "imagegen.providers.all-images.base-url=" + allImages.baseUrl(),
                "imagegen.providers.all-images.api-key=test-key",
                "imagegen.providers.rendernet.base-url=" + rendernet.baseUrl(),
                "imagegen.providers.rendernet.api-key=test-key",
                // the simulator's media host, listed as an operator lists RenderNet's S3 bucket
                "imagegen.providers.rendernet.download-hosts=" + String.join(",", rendernet.imageHosts()),
                "imagegen.node-id=restart-test",
                "imagegen.poll.initial-delay=300ms",
                "imagegen.poll.interval=200ms",
                "imagegen.poll.queued-interval=400ms",
                "imagegen.loop.tick=50ms",
                "imagegen.inbox.poll=100ms",
                "imagegen.inbox.stable=100ms"));
        StringBuilder batch = new StringBuilder();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            String id = "restart-" + i;
            ids.add(id);
            String provider = i % 2 == 0 ? "all-images" : "rendernet";
            batch.append("{\"id\": \"").append(id).append("\", \"provider\": \"").append(provider)
                    .append("\", \"prompt\": \"restart me ").append(i).append("\"}\n");
        }

        try (RunningBundle first = RunningBundle.start(settings.toArray(String[]::new))) {
            folders.drop("restart.jsonl", batch.toString());
            JobQueries store = first.bean("jobQueries", JobQueries.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Map<JobState, Long> counts = store.countByState();
                return counts.get(JobState.SUBMITTED) + counts.get(JobState.RUNNING) == JOBS;
            });
        }
        assertThat(ids).noneMatch(id -> folders.manifestPath(id).toFile().exists());

        try (RunningBundle second = RunningBundle.start(settings.toArray(String[]::new))) {
            for (String id : ids) {
                assertThat(folders.awaitManifest(id, Duration.ofSeconds(30)).path("state").asText())
                        .as("state of %s", id).isEqualTo("DELIVERED");
            }
        }
        for (String id : ids) {
            int creates = allImages.createsFor(id) + rendernet.createsFor(id);
            assertThat(creates).as("creates for %s", id).isEqualTo(1);
        }
    }
}
