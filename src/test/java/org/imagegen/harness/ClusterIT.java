package org.imagegen.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.flywaydb.core.Flyway;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.ProviderSimulator;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.simulator.SimulatorSettings;
import org.imagegen.support.TestPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the packaged bundle, as separate processes, on one PostgreSQL database (the real server with
 * {@code -Dimagegen.test.postgres=…}, else an embedded one) and one shared inbox and outbox, against both simulators
 * in this JVM (so they outlive the kill). Half the request files are dropped while both run; once they are read, the
 * instance that leads the singleton duties is killed with SIGKILL while jobs are in flight; the rest is dropped and
 * the survivor must finish everything. Run by failsafe after {@code package}.
 * <p>
 * The request sources are in {@link #dropRequests}: a queue source (issue 3) can be added there, with its own
 * exactly-once check next to the file one.
 */
class ClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FILES = 16;
    private static final int PER_FILE = 20;
    private static final Pattern READ = Pattern.compile("read file:(\\S+):");
    private static final Pattern SUBMITTED = Pattern.compile("job (\\S+): SUBMITTED \\(generation");
    private static final Pattern DELIVERED = Pattern.compile("job (\\S+): delivered to sink");
    private static final String LEADER = "Leadership taken. Attempt #1 success";

    @Test
    void twoInstancesShareOneDatabaseAndFolderAndTheSurvivorOfAKillFinishesEverything() throws Exception {
        Path dir = CrashHarness.clean(Path.of("target", "it", "cluster").toAbsolutePath());
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path outbox = dir.resolve("outbox");
        String db = TestPostgres.freshSchemaUrl("cluster_it");
        Flyway.configure().dataSource(db, TestPostgres.user(), "").locations("classpath:db/migration").load().migrate();
        // the read lock of a file whose reader died long ago and which was removed since: the leader purges it
        Timestamp stale = new Timestamp(System.currentTimeMillis() - Duration.ofDays(2).toMillis());
        execute(db, "INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES ('inbox', "
                + "'removed-by-hand.jsonl', ?)", stale);

        // a third of the status checks answer slowly, so two checks of one generation at once could not go unseen
        SimulatorSettings settings = new SimulatorSettings(0, Duration.ofMillis(500), Duration.ofMillis(2500), 0, 0,
                0, 0.3, Duration.ofMillis(150), CrashHarness.KEY, 20261123L, 32);
        List<String> ids = new ArrayList<>();
        try (AllImagesSimulator allImages = (AllImagesSimulator) new AllImagesSimulator(settings).start();
             RenderNetSimulator rendernet = (RenderNetSimulator) new RenderNetSimulator(settings).start()) {
            Map<String, Process> nodes = new HashMap<>();
            String leader;
            String survivor;
            for (String node : List.of("node-a", "node-b")) {
                nodes.put(node, CrashHarness.start(CrashHarness.command(dir, allImages, rendernet,
                        "-Dimagegen.node-id=" + node, "-Dimagegen.data=" + dir.resolve("data-" + node),
                        "-Dimagegen.db.url=" + db, "-Dimagegen.db.user=" + TestPostgres.user(), "-Dimagegen.db.password=",
                        "-Dimagegen.cluster.enabled=true", "-Dimagegen.cluster.lock-folder=" + dir.resolve("cluster"),
                        "-Dimagegen.cluster.leader-check-interval=500ms", "-Dimagegen.cluster.housekeeping-interval=1s",
                        "-Dimagegen.cluster.read-lock-max-age=5s", "-Dimagegen.cluster.read-lock-keep-alive=1s",
                        "-Dimagegen.cluster.stale-lock-purge-after=1m", "-Dimagegen.loop.lease=3s",
                        "-Dimagegen.loop.batch=20"), log(dir, node)));
            }
            try {
                dropRequests(inbox, 0, FILES / 2, ids);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> filesIn(inbox.resolve(".done")) == FILES / 2);
                leader = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> leaders(dir), found -> found.size() == 1).get(0);
                survivor = leader.equals("node-a") ? "node-b" : "node-a";
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> count(db, "SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED") == 0);
                // midway: some jobs delivered, most still with the provider or being checked
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                        .until(() -> manifests(outbox, ids) >= 10);
                nodes.get(leader).destroyForcibly().waitFor(); // SIGKILL
                assertThat(manifests(outbox, ids)).as("killed midway").isLessThan(ids.size());

                dropRequests(inbox, FILES / 2, FILES, ids);
                await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofMillis(250))
                        .until(() -> manifests(outbox, ids) == FILES * PER_FILE);
                // the singleton duties moved to the survivor: it purges a stale lock that appears after the kill
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> leaders(dir).contains(survivor));
                execute(db, "INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES ('inbox', "
                        + "'removed-after-the-kill.jsonl', ?)", stale);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> count(db, "SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED") == 0);
                Process last = nodes.get(survivor);
                last.destroy();
                last.waitFor();
            } finally {
                nodes.values().forEach(Process::destroyForcibly);
            }

            String problems = "see " + dir + "/node-*.log";
            // every request: exactly one terminal manifest; every job key: exactly one create at one provider
            for (String id : ids) {
                Path manifest = outbox.resolve(id).resolve("manifest.json");
                assertThat(manifest).as(id).exists();
                assertThat(JSON.readTree(manifest.toFile()).path("state").asText()).as(id)
                        .isIn("DELIVERED", "NEEDS_ATTENTION");
                assertThat(allImages.createsFor(id) + rendernet.createsFor(id)).as(id + " creates").isEqualTo(1);
            }
            assertThat(count(db, "SELECT COUNT(*) FROM job")).isEqualTo(ids.size());
            assertThat(count(db, "SELECT COUNT(*) FROM job WHERE state NOT IN ('DELIVERED', 'NEEDS_ATTENTION')"))
                    .as(problems).isZero();
            // no generation was checked by two callers at once
            assertThat(allImages.overlappingChecks()).as(problems).isEmpty();
            assertThat(rendernet.overlappingChecks()).as(problems).isEmpty();
            assertThat(checks(allImages, ids) + checks(rendernet, ids)).isGreaterThan(ids.size());
            // every file read exactly once, by one instance or the other
            Map<String, List<String>> readers = readers(dir, READ);
            assertThat(readers).as(problems).hasSize(FILES);
            readers.forEach((file, by) -> assertThat(by).as(file + " read by").hasSize(1));
            // both instances worked on the jobs, and jobs the killed one submitted were delivered by the survivor
            Map<String, List<String>> submitters = readers(dir, SUBMITTED);
            assertThat(submitters.values().stream().flatMap(List::stream).distinct()).as("submitted by")
                    .containsExactlyInAnyOrder("node-a", "node-b");
            Map<String, List<String>> deliverers = readers(dir, DELIVERED);
            assertThat(submitters.keySet().stream().filter(id -> submitters.get(id).contains(leader)
                    && deliverers.getOrDefault(id, List.of()).contains(survivor))).as("taken over").isNotEmpty();
            assertThat(filesIn(inbox.resolve(".done"))).isEqualTo(FILES);
            assertThat(Files.exists(inbox.resolve(".rejected"))).isFalse();
        }
    }

    /**
     * Request files {@code from} to {@code to - 1} (each moved into the inbox at once; half all-images, half
     * RenderNet). A queue source joins here once queues exist (issue 3).
     */
    private static void dropRequests(Path inbox, int from, int to, List<String> ids) throws IOException {
        for (int file = from; file < to; file++) {
            CrashHarness.drop(inbox, file, PER_FILE, FILES * PER_FILE, ids);
        }
    }

    private static long manifests(Path outbox, List<String> ids) {
        return ids.stream().filter(id -> Files.exists(outbox.resolve(id).resolve("manifest.json"))).count();
    }

    private static Path log(Path dir, String node) {
        return dir.resolve(node + ".log");
    }

    /** The instances whose master: route consumer started (the leader of the singleton duties). */
    private static List<String> leaders(Path dir) throws IOException {
        List<String> leaders = new ArrayList<>();
        for (String node : List.of("node-a", "node-b")) {
            if (Files.readString(log(dir, node), StandardCharsets.ISO_8859_1).contains(LEADER)) {
                leaders.add(node);
            }
        }
        return leaders;
    }

    /**
     * What a log line names (a file: ingest-folder logs one line per file it read; a job: the lifecycle logs its
     * transitions and deliveries) → the instances that logged it.
     */
    private static Map<String, List<String>> readers(Path dir, Pattern line) throws IOException {
        Map<String, List<String>> readers = new HashMap<>();
        for (String node : List.of("node-a", "node-b")) {
            Matcher m = line.matcher(Files.readString(log(dir, node), StandardCharsets.ISO_8859_1));
            while (m.find()) {
                readers.computeIfAbsent(m.group(1), f -> new ArrayList<>()).add(node);
            }
        }
        return readers;
    }

    private static int checks(ProviderSimulator simulator, List<String> ids) {
        return ids.stream().map(simulator::statsFor).filter(s -> s != null).mapToInt(s -> s.checks()).sum();
    }

    private static long filesIn(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.count();
        }
    }

    private static void execute(String url, String sql, Object parameter) throws Exception {
        try (Connection c = DriverManager.getConnection(url, TestPostgres.user(), "");
             PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, parameter);
            s.executeUpdate();
        }
    }

    private static long count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, TestPostgres.user(), "");
             PreparedStatement s = c.prepareStatement(sql);
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

}
