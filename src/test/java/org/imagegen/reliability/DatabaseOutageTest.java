package org.imagegen.reliability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.imagegen.job.JobState;
import org.imagegen.job.JobQueries;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.ProxiedDatabase;
import org.imagegen.support.RunningBundle;
import org.imagegen.support.Simulated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The database cut off from a running bundle and given back (PostgreSQL behind a TCP proxy the test controls,
 * {@link ProxiedDatabase}), with the real routes/ and config/.
 */
@ExtendWith(PostgresJobStore.class)
class DatabaseOutageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * With the database unreachable, taking a connection from the pool blocks for the pool's wait (30 s by default).
     * Readiness still answers within seconds: 503, the job store named. A client that waits 10 s (a third of the
     * pool's wait, generous for a loaded test machine) gets that answer.
     */
    @Test
    void readinessAnswersWithinSecondsWhileTheDatabaseIsUnreachable() throws Exception {
        Folders folders = new Folders("outage-ready").clean();
        try (ProxiedDatabase db = ProxiedDatabase.start("ready");
             RunningBundle bundle = RunningBundle.start(folders.fastBundle(db.settings()))) {
            int port = bundle.context().hasService(VertxPlatformHttpServer.class).getPort();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> ready(http, port).statusCode() == 200);

            db.cut();
            // twice: the second probe comes while the first one's query still waits for the pool
            for (int probe = 1; probe <= 2; probe++) {
                HttpResponse<String> down = ready(http, port);
                assertThat(down.statusCode()).as("probe %d", probe).isEqualTo(503);
                JsonNode store = jobStoreCheck(JSON.readTree(down.body()));
                assertThat(store.path("status").asText()).isEqualTo("DOWN");
                assertThat(store.path("message").asText()).contains("job store");
            }

            db.restore();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> ready(http, port).statusCode() == 200);
        }
    }

    /**
     * An outage longer than the pool's wait (1 s here) while jobs are being checked, and a file dropped during it.
     * Steps whose writes fail, and whose error handlers' writes fail too, keep their jobs claimed (the lease is 10
     * minutes here); the file cannot be accepted and stays in the inbox. Once the database is back every job is
     * delivered, long before any lease runs out, each with one create, and the file's requests are accepted once.
     */
    @Test
    void anOutageLongerThanThePoolWaitLosesNothingAndHoldsNoJobUntilItsLeaseRunsOut() throws Exception {
        Folders folders = new Folders("outage-intake").clean();
        try (ProxiedDatabase db = ProxiedDatabase.start("intake");
             RunningBundle bundle = RunningBundle.start(folders.fastBundle(db.settings(
                     "imagegen.db.connection-wait=1s", "imagegen.loop.lease=10m", "imagegen.poll.queued-interval=200ms",
                     "imagegen.simulator.duration-min=10s", "imagegen.simulator.duration-max=12s",
                     "imagegen.simulator.slow-delay=1500ms")))) {
            JobQueries store = bundle.bean("jobQueries", JobQueries.class);
            AllImagesSimulator allImages = Simulated.simulator(bundle, "all-images", AllImagesSimulator.class);
            RenderNetSimulator renderNet = Simulated.simulator(bundle, "rendernet", RenderNetSimulator.class);
            // generations of 10-12 s whose status checks answer after 1.5 s each: once checked, a job is in the
            // middle of a step most of the time, so the outage catches several
            List<String> ids = new ArrayList<>(JobsMidStep.ids("in-flight", 6));
            NotifyBuilder stepsFailed = new NotifyBuilder(bundle.context()).fromRoute("work-on-job").whenFailed(1).create();
            NotifyBuilder intakeFailed = new NotifyBuilder(bundle.context()).fromRoute("ingest-folder").whenFailed(2)
                    .create();
            folders.drop("before.jsonl", JobsMidStep.slowChecked(ids));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                var counts = store.countByState();
                return counts.get(JobState.RUNNING) == ids.size();
            });

            // cut while status checks are being answered: their steps' writes come during the outage
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> JobsMidStep.checkBeingAnswered(allImages, renderNet));
            db.cut();
            assertThat(stepsFailed.matches(60, TimeUnit.SECONDS))
                    .as("a step whose write and error handler's write both failed").isTrue();
            String during = JobsMidStep.request("during-0", "all-images", "")
                    + JobsMidStep.request("during-1", "rendernet", "");
            folders.drop("during.jsonl", during);
            assertThat(intakeFailed.matches(60, TimeUnit.SECONDS)).as("the file's intake failed twice").isTrue();
            assertThat(folders.inbox.resolve("during.jsonl")).exists();
            ids.addAll(List.of("during-0", "during-1"));

            db.restore();
            // the lease is 10 minutes: jobs left claimed by the outage would not be looked at again in this time
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                    .until(() -> store.countByState().get(JobState.DELIVERED) == ids.size());
            for (String id : ids) {
                assertThat(Folders.readJson(folders.manifestPath(id)).path("state").asText()).as(id).isEqualTo("DELIVERED");
                assertThat(allImages.createsFor(id) + renderNet.createsFor(id)).as("creates for %s", id).isEqualTo(1);
            }
            assertThat(store.countByState().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(ids.size());
            assertThat(folders.done("during.jsonl")).exists();
            assertThat(folders.inbox.resolve("during.jsonl")).doesNotExist();
            assertThat(folders.rejected("during.jsonl.error.json")).doesNotExist();
        }
    }

    /** Readiness as a probe with a 10 s timeout asks for it: no answer in time fails the test. */
    private static HttpResponse<String> ready(HttpClient http, int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/observe/health/ready?exposureLevel=full")).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode jobStoreCheck(JsonNode health) {
        for (JsonNode check : health.path("checks")) {
            if (check.path("name").asText().equals("job-store")) {
                return check;
            }
        }
        throw new AssertionError("no job-store check in " + health);
    }
}
