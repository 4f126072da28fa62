package org.imagegen.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.imagegen.job.Job;
import org.imagegen.job.JobState;
import org.imagegen.job.JobQueries;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.ProxiedDatabase;
import org.imagegen.support.RunningBundle;
import org.imagegen.support.Simulated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances on one PostgreSQL; one of them (a) loses its network to the database for longer than the lease while
 * the other (b) keeps it. a reaches PostgreSQL through a TCP proxy the test cuts ({@link ProxiedDatabase}); b connects
 * directly. Both call the same simulators (a's), so every create of every job is counted in one place. a submits the
 * jobs and is cut off while they run: b takes them over once their lease runs out and delivers them, with no second
 * create; when the network returns, a's late writes of the jobs it held change nothing, a is ready again by itself and
 * takes new work. Only against the PostgreSQL that {@code -Dimagegen.test.postgres} names.
 */
@ExtendWith(PostgresJobStore.class)
class InstanceCutOffTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String[] SHARED = {"imagegen.loop.lease=4s", "imagegen.db.connection-wait=1s",
            "imagegen.simulator.duration-min=3s", "imagegen.simulator.duration-max=4s",
            "imagegen.simulator.slow-delay=1500ms"};

    @Test
    void anInstanceCutOffFromTheDatabaseLosesItsJobsToTheOtherOnceAndRecoversByItself() throws Exception {
        assumeThat(System.getProperty("imagegen.test.postgres")).as("-Dimagegen.test.postgres").isNotBlank();
        // it always runs on PostgreSQL, with a database of its own behind its proxy: the pass that puts every test
        // bundle's store on PostgreSQL (-Dimagegen.test.db=postgres) would only override its two connection URLs
        // with that pass's schema, so it runs in the other pass only
        assumeThat(System.getProperty("imagegen.test.db")).as("-Dimagegen.test.db").isNotEqualTo("postgres");
        Folders a = new Folders("cutoff-a").clean();
        Folders b = new Folders("cutoff-b").clean();
        try (ProxiedDatabase db = ProxiedDatabase.start("cutoff");
             RunningBundle first = RunningBundle.start(a.fastBundle(db.settings(with("imagegen.node-id=a"))))) {
            JobQueries store = first.bean("jobQueries", JobQueries.class);
            AllImagesSimulator allImages = Simulated.simulator(first, "all-images", AllImagesSimulator.class);
            RenderNetSimulator renderNet = Simulated.simulator(first, "rendernet", RenderNetSimulator.class);
            ApiClient api = ApiClient.of(first, null);

            // status checks answered after 1.5 s each: a is in the middle of a step most of the time
            List<String> ids = JobsMidStep.ids("held-by-a", 6);
            a.drop("before.jsonl", JobsMidStep.slowChecked(ids));
            await().atMost(WAIT).until(() -> ids.stream().allMatch(id ->
                    store.find(id).map(Job::getState).orElse(null) == JobState.RUNNING));

            // cut while status checks are being answered: a holds claims on jobs whose steps cannot be written
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> JobsMidStep.checkBeingAnswered(allImages, renderNet));
            db.cut();
            await().atMost(WAIT).ignoreExceptions()
                    .until(() -> api.send("GET", "/observe/health/ready", null, null).statusCode() == 503);

            // b: the same database without the proxy, the same outbox, a's simulators as its providers
            try (RunningBundle second = RunningBundle.start(b.fastBundle(db.directSettings(with(
                    "imagegen.node-id=b",
                    "imagegen.outbox=" + a.outbox,
                    "imagegen.simulate=auto",
                    "imagegen.providers.all-images.api-key=key-b",
                    "imagegen.providers.all-images.base-url=" + allImages.baseUrl(),
                    "imagegen.providers.rendernet.api-key=key-b",
                    "imagegen.providers.rendernet.base-url=" + renderNet.baseUrl(),
                    // the RenderNet simulator's images are on localhost, not its base URL's host (as a simulated
                    // provider's are allowed with imagegen.simulator.allow-image-hosts)
                    "imagegen.providers.rendernet.download-hosts=localhost"))))) {
                JobQueries storeB = second.bean("jobQueries", JobQueries.class);
                await().atMost(WAIT).untilAsserted(() -> assertThat(ids.stream().map(id -> storeB.find(id)
                        .map(j -> j.getState() + " " + j.getReason() + " next " + j.getNextCheckAt()).orElse("none"))
                        .toList()).allMatch(s -> s.startsWith("DELIVERED")));
                for (String id : ids) {
                    assertThat(allImages.createsFor(id) + renderNet.createsFor(id)).as("creates for %s", id).isEqualTo(1);
                    assertThat(Folders.readJson(a.manifestPath(id)).path("state").asText()).as(id).isEqualTo("DELIVERED");
                }

                // the network returns: a is ready again by itself; what it held and writes late changes nothing
                db.restore();
                await().atMost(WAIT).ignoreExceptions()
                        .until(() -> api.send("GET", "/observe/health/ready", null, null).statusCode() == 200);
                await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> ids.stream().allMatch(id ->
                        storeB.find(id).map(Job::getState).orElse(null) == JobState.DELIVERED));
            }

            // b is gone: a alone accepts, generates and delivers new work
            a.drop("after.jsonl", JobsMidStep.request("after-0", "all-images", "")
                    + JobsMidStep.request("after-1", "rendernet", ""));
            await().atMost(WAIT).until(() -> List.of("after-0", "after-1").stream().allMatch(id ->
                    store.find(id).map(Job::getState).orElse(null) == JobState.DELIVERED));
            for (String id : List.of("after-0", "after-1")) {
                assertThat(allImages.createsFor(id) + renderNet.createsFor(id)).as("creates for %s", id).isEqualTo(1);
            }
            for (String id : ids) {
                assertThat(allImages.createsFor(id) + renderNet.createsFor(id)).as("creates for %s", id).isEqualTo(1);
                assertThat(store.find(id).map(Job::getState)).as(id).contains(JobState.DELIVERED);
            }
            assertThat(store.countByState().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(ids.size() + 2);
        }
    }

    private static String[] with(String... extra) {
        List<String> settings = new ArrayList<>(List.of(SHARED));
        settings.addAll(List.of(extra));
        return settings.toArray(String[]::new);
    }
}
