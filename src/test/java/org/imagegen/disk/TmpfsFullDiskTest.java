package org.imagegen.disk;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.imagegen.job.Job;
import org.imagegen.job.JobState;
import org.imagegen.job.JobQueries;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.RunningBundle;
import org.imagegen.support.Simulated;
import org.imagegen.support.Tmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real full disks: the data folder (H2 job store, Artemis journal, staging) and the outbox each on a small tmpfs of
 * their own, filled up mid-run by a file the test writes and removed again. Needs root and {@code mount -t tmpfs};
 * runs only with {@code -Dimagegen.test.tmpfs=true}, which .ci/run sets where a probe mount succeeds.
 * <ol>
 * <li>The outbox filled to the last byte with the checks off (threshold 0): the folder sink's writes really fail with
 * "No space left on device"; each failure is a wait that spends no attempt, no file is left under its final name
 * without being whole, and no manifest appears until every image is there.</li>
 * <li>The data folder filled to below the threshold: a request file stays in the inbox and the API answers 503.</li>
 * <li>The data folder filled to the last byte with the checks off: the job store's own writes fail (its outage
 * path); the file stays in the inbox; the bundle lives on.</li>
 * </ol>
 * Each time the filler is removed, everything is delivered: every request once, one create each, complete images.
 */
class TmpfsFullDiskTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TOKEN = "tmpfs-disk-token";
    private static final long MIN_FREE = 1024 * 1024;

    private final Folders folders = new Folders("full-disk-tmpfs").clean();
    private final List<Path> mounts = new ArrayList<>();
    private DiskBundle run;

    @AfterEach
    void stop() throws Exception {
        if (run != null) {
            run.close();
        }
        for (Path mount : mounts) {
            Tmpfs.unmount(mount);
        }
    }

    @Test
    void smallFileSystemsThatFillUpMidRunLoseNothingAndDeliverEverythingOnceWhenSpaceReturns() throws Exception {
        assumeTrue(Boolean.getBoolean("imagegen.test.tmpfs"),
                "needs root and mount -t tmpfs: run with -Dimagegen.test.tmpfs=true (.ci/run does where it can)");
        // its job store is H2's file on the small data file system, filled to the last byte: the PostgreSQL pass has
        // nothing of its own to show here
        assumeFalse("postgres".equals(System.getProperty("imagegen.test.db")),
                "the job store on the filled file system is the embedded H2 one");
        mount(folders.data, "24m");
        mount(folders.outbox, "2m");
        run = DiskBundle.start(folders,
                "imagegen.api.token=" + TOKEN,
                "imagegen.disk.min-free-bytes=" + MIN_FREE,
                "imagegen.disk.recheck=200ms",
                "imagegen.poll.max-backoff=300ms",
                "imagegen.delivery.max-attempts=2");
        RunningBundle bundle = run.bundle;
        DiskLog log = run.log;
        DiskSpace disk = bundle.bean("diskSpace", DiskSpace.class);
        JobQueries store = bundle.bean("jobQueries", JobQueries.class);
        ApiClient api = ApiClient.of(bundle, TOKEN);
        List<String> all = new ArrayList<>();

        // room: a first batch is delivered
        all.addAll(dropBatch("first", 4));
        awaitDelivered(store, all);

        // 1. the outbox full to the last byte, the checks off: the sink's writes themselves fail
        disk.setMinFreeBytes(0);
        Path outboxFiller = fill(folders.outbox, 0);
        List<String> second = dropBatch("second", 3);
        all.addAll(second);
        await().atMost(WAIT).until(() -> second.stream().allMatch(id ->
                log.count("job " + id + ": sink outbox waits for disk space (not counted", "No space left on device") > 2));
        for (String id : second) {
            Job job = store.find(id).orElseThrow();
            assertThat(job.getState()).as(id).isEqualTo(JobState.SUCCEEDED);
            assertThat(job.getReason()).as(id).contains("waiting to retry sinks", "No space left on device");
            assertThat(folders.manifestPath(id)).as(id).doesNotExist();
        }
        // a retry's copy may be under way as the test looks (its temporary file there until the write fails and the
        // sink removes it): what must hold is that none is left, so wait for a moment between retries
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(this::assertNothingHalfWritten);
        Files.delete(outboxFiller);
        awaitDelivered(store, all);

        // 2. the data folder below the threshold: inputs are refused, nothing accepted
        disk.setMinFreeBytes(MIN_FREE);
        Path dataFiller = fill(folders.data, MIN_FREE / 2);
        folders.drop("third.json", batch("third", 3));
        HttpResponse<byte[]> refused = api.post("/api/generations", "{\"id\": \"api-third\", \"prompt\": \"a kite\"}");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        await().atMost(WAIT).until(() -> log.count("not accepting file:third.json now", "data folder") >= 3);
        assertThat(folders.inbox.resolve("third.json")).exists();
        assertThat(store.find("third-1")).isEmpty();
        Files.delete(dataFiller);
        all.addAll(ids("third", 3));
        assertThat(api.post("/api/generations", "{\"id\": \"api-third\", \"prompt\": \"a kite\"}").statusCode())
                .isEqualTo(202);
        all.add("api-third");
        awaitDelivered(store, all);

        // 3. the data folder full to the last byte, the checks off: the job store cannot write
        disk.setMinFreeBytes(0);
        dataFiller = fill(folders.data, 0);
        folders.drop("fourth.json", batch("fourth", 3));
        // the job store's writes fail (H2 closes its database when a write fails): its outage path
        await().atMost(WAIT).until(() -> log.count("could not be recorded") + log.count("job store") > 0
                || Files.exists(folders.inbox.resolve("fourth.json")) && storeFails(store));
        Files.delete(dataFiller);
        disk.setMinFreeBytes(MIN_FREE);
        all.addAll(ids("fourth", 3));
        awaitDelivered(store, all);

        // nothing lost, nothing paid twice, nothing half-written, the bundle alive
        AllImagesSimulator simulator = Simulated.simulator(bundle, "all-images", AllImagesSimulator.class);
        for (String id : all) {
            assertThat(simulator.createsFor(id)).as(id).isEqualTo(1);
            assertThat(store.history(id)).as(id).filteredOn(e -> e.state() == JobState.DELIVERED).hasSize(1);
            run.assertComplete(id);
        }
        assertNothingHalfWritten();
        assertThat(DiskBundle.files(folders.data.resolve("staging"))).isEmpty();
        for (String file : List.of("first.json", "second.json", "third.json", "fourth.json")) {
            assertThat(folders.done(file)).as(file).exists();
        }
        assertThat(bundle.context().getStatus().isStarted()).isTrue();
        assertThat(api.get("/api/generations/first-1").statusCode()).isEqualTo(200);
    }

    private List<String> dropBatch(String name, int count) {
        folders.drop(name + ".json", batch(name, count));
        return ids(name, count);
    }

    private static String batch(String name, int count) {
        return ids(name, count).stream().map(id -> "{\"id\": \"" + id + "\", \"prompt\": \"a kite over " + id + "\"}")
                .collect(Collectors.joining(",", "[", "]"));
    }

    private static List<String> ids(String name, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> name + "-" + i).toList();
    }

    private static boolean storeFails(JobQueries store) {
        try {
            store.find("fourth-1");
            return false;
        } catch (RuntimeException e) {
            return true;
        }
    }

    private static void awaitDelivered(JobQueries store, List<String> ids) {
        // the job store may still be failing when this starts (step 3)
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .conditionEvaluationListener(condition -> {
                    if (condition.getRemainingTimeInMS() <= condition.getPollInterval().toMillis()) {
                        // the last look before giving up: say which jobs are not delivered, and where they stand
                        ids.forEach(id -> store.find(id).filter(j -> j.getState() != JobState.DELIVERED)
                                .ifPresent(j -> System.out.println("not delivered: " + j + " reason " + j.getReason()
                                        + ", next check " + j.getNextCheckAt() + ", claimed by " + j.getLeaseOwner()
                                        + " at " + j.getClaimedAt() + ", now " + System.currentTimeMillis())));
                    }
                })
                .until(() -> ids.stream()
                .allMatch(id -> store.find(id).map(Job::getState).orElse(null) == JobState.DELIVERED));
    }

    /** No temporary file left behind, and every image under its final name whole (its staged twin's size). */
    private void assertNothingHalfWritten() throws IOException {
        for (Path file : DiskBundle.files(folders.outbox)) {
            String name = file.getFileName().toString();
            if (name.startsWith("filler")) {
                continue;
            }
            assertThat(name).as(file.toString()).doesNotStartWith(".").doesNotEndWith(".part");
            if (!name.equals("manifest.json")) {
                Path staged = folders.data.resolve("staging").resolve(file.getParent().getFileName()).resolve(name);
                if (Files.exists(staged)) {
                    assertThat(Files.size(file)).as(file.toString()).isEqualTo(Files.size(staged));
                }
            }
        }
        assertThat(DiskBundle.files(folders.data.resolve("staging")))
                .noneMatch(p -> p.getFileName().toString().endsWith(".part"));
    }

    private static Path fill(Path folder, long leave) throws IOException {
        return Tmpfs.fill(folder, leave);
    }

    private void mount(Path folder, String size) throws Exception {
        Tmpfs.mount(folder, size);
        mounts.add(0, folder);
    }
}
