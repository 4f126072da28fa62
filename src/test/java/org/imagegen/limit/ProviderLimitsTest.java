package org.imagegen.limit;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import org.imagegen.simulator.ProviderSimulator;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.imagegen.support.Simulated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Provider limits end to end, on the shipped routes/ and config/ with fal's simulator: with
 * imagegen.providers.fal.max-concurrent=2, eight jobs dropped at once wait their turn, visibly (their reason says
 * why), and are all delivered, each created once; the simulator never had more than two of their generations running
 * at once. GET /api/limits and the metrics show the limit beside what it counts.
 */
@ExtendWith(PostgresJobStore.class)
class ProviderLimitsTest {

    private static final String TOKEN = "limits-test-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int JOBS = 8;

    @Test
    void jobsOverMaxConcurrentWaitAndAreAllDelivered() throws Exception {
        Folders folders = new Folders("provider-limits").clean();
        try (AutoCloseable store = PostgresJobStore.ownSchema("provider_limits");
             RunningBundle bundle = RunningBundle.start(folders.fastBundle(
                     "imagegen.api.token=" + TOKEN,
                     "imagegen.api.port=0",
                     "imagegen.management.enabled=false",
                     "imagegen.providers.fal.max-concurrent=2"))) {
            ProviderSimulator fal = Simulated.simulator(bundle.context(), "fal", ProviderSimulator.class);
            ApiClient api = ApiClient.of(bundle, TOKEN);
            List<String> ids = IntStream.range(0, JOBS).mapToObj(i -> "limited-" + i).toList();
            for (String id : ids) {
                folders.drop(id + ".json", "{\"id\": \"" + id + "\", \"provider\": \"fal\", \"prompt\": \"a lamp "
                        + id + "\", \"count\": 1}");
            }
            Set<String> reasonsSeen = ConcurrentHashMap.newKeySet();
            Set<Integer> inFlightSeen = ConcurrentHashMap.newKeySet();
            await().atMost(WAIT).until(() -> {
                ids.forEach(id -> reasonsSeen.add(ApiClient.json(api.get("/api/generations/" + id))
                        .path("reason").asText()));
                inFlightSeen.add(falLimits(api).path("inFlight").asInt());
                return ids.stream().allMatch(id -> Files.exists(folders.manifestPath(id)));
            });
            for (String id : ids) {
                assertThat(folders.awaitManifest(id, WAIT).path("state").asText()).as(id).isEqualTo("DELIVERED");
                assertThat(fal.createsFor(id)).as(id).isEqualTo(1);
            }
            assertThat(reasonsSeen).contains("waiting: fal has 2 generations in flight "
                    + "(imagegen.providers.fal.max-concurrent = 2)");
            assertThat(mostRunningAtOnce(fal, ids)).isBetween(1, 2);

            // the limit beside what it counts, in the API and the metrics
            assertThat(inFlightSeen).allMatch(n -> n <= 2);
            assertThat(falLimits(api).path("maxConcurrent").asInt()).isEqualTo(2);
            assertThat(falLimits(api).path("inFlight").asInt()).isZero();
            assertThat(falLimits(api).path("createsPerMinute").isNull()).as("none set").isTrue();
            await().atMost(WAIT).untilAsserted(() -> {
                String scrape = ApiClient.text(api.get("/observe/metrics"));
                assertThat(scrape).contains("imagegen_limit_max_concurrent{provider=\"fal\"} 2.0");
                assertThat(scrape).contains("imagegen_limit_in_flight{provider=\"fal\"} 0.0");
                assertThat(scrape).contains("imagegen_limit_creates_last_minute{provider=\"fal\"}");
            });
        }
    }

    /** fal's entry in GET /api/limits. */
    private static com.fasterxml.jackson.databind.JsonNode falLimits(ApiClient api) {
        for (com.fasterxml.jackson.databind.JsonNode limit : ApiClient.json(api.get("/api/limits")).path("limits")) {
            if (limit.path("provider").asText().equals("fal")) {
                return limit;
            }
        }
        throw new AssertionError("GET /api/limits lists no fal");
    }

    /**
     * The most generations the simulator had running at once: each ran from its create's arrival to its end, both
     * within the time the bundle counted it in flight (from its SUBMITTING write until a check saw it finished).
     */
    private static int mostRunningAtOnce(ProviderSimulator simulator, List<String> ids) {
        List<long[]> edges = new ArrayList<>(); // {time, +1 start / -1 end}
        for (String id : ids) {
            ProviderSimulator.GenerationStats stats = simulator.statsFor(id);
            edges.add(new long[] {stats.startedAt(), 1});
            edges.add(new long[] {stats.completesAt(), -1});
        }
        edges.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        int running = 0;
        int most = 0;
        for (long[] edge : edges) {
            running += (int) edge[1];
            most = Math.max(most, running);
        }
        return most;
    }
}
