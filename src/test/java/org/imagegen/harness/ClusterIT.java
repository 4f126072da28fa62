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
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Message;
import org.flywaydb.core.Flyway;
import org.imagegen.messaging.EmbeddedBroker;
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
 * {@code -Dimagegen.test.postgres=…}, else an embedded one), one shared inbox and outbox and one Artemis broker whose
 * request queue both consume (competing consumers), against both simulators in this JVM (so they outlive the kill),
 * with all-images webhooks and job events on. The requests come in batches, alternately a file dropped into the
 * inbox and a message on the queue. Half the batches are released while both run; once they are read, the instance
 * that leads the singleton duties (publishing events, the webhook subscription, housekeeping) is killed with SIGKILL
 * while jobs are in flight; the rest is released and the survivor must finish everything and take the duties over.
 * Run by failsafe after {@code package}.
 */
class ClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Batches of requests: the even ones are files, the odd ones JMS messages. */
    private static final int BATCHES = 16;
    private static final int FILES = BATCHES / 2;
    private static final int PER_BATCH = 20;
    private static final String EVENTS = "imagegen.events";
    private static final Pattern READ = Pattern.compile("read file:(\\S+):");
    /** RequestIntake's line for a message it accepted requests from (the source names the JMSMessageID). */
    private static final Pattern CONSUMED = Pattern.compile("jms:" + CrashHarness.QUEUE.replace(".", "\\.")
            + "/(\\S+): accepted");
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
             RenderNetSimulator rendernet = (RenderNetSimulator) new RenderNetSimulator(settings).start();
             EmbeddedBroker broker = EmbeddedBroker.start(dir.resolve("broker"), "127.0.0.1", 0, "DLQ", 5, 500);
             JmsFeed queue = new JmsFeed(broker.port(), CrashHarness.QUEUE)) {
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
                        "-Dimagegen.loop.batch=20", "-Dimagegen.jms.broker-url=tcp://127.0.0.1:" + broker.port(),
                        "-Dimagegen.webhooks.enabled=true", "-Dimagegen.webhooks.check-interval=500ms",
                        "-Dimagegen.providers.all-images.bulk-status=false",
                        "-Dimagegen.events.endpoints=jms:queue:" + EVENTS),
                        log(dir, node)));
            }
            try {
                release(0, BATCHES / 2, inbox, queue, ids);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> filesIn(inbox.resolve(".done")) == FILES / 2
                                && consumed(dir).size() == BATCHES / 4);
                leader = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> leaders(dir), found -> found.size() == 1).get(0);
                survivor = leader.equals("node-a") ? "node-b" : "node-a";
                // the leader alone holds the key's webhook subscription, and it is recorded as the one in force
                String first = leader;
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> subscriptionHolder(db, allImages), first::equals);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> count(db, "SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED") == 0);
                // midway: some jobs delivered, most still with the provider or being checked
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                        .until(() -> manifests(outbox, ids) >= 10);
                nodes.get(leader).destroyForcibly().waitFor(); // SIGKILL
                assertThat(manifests(outbox, ids)).as("killed midway").isLessThan(ids.size());

                release(BATCHES / 2, BATCHES, inbox, queue, ids);
                queue.awaitSent(Duration.ofSeconds(30));
                await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofMillis(250))
                        .until(() -> manifests(outbox, ids) == BATCHES * PER_BATCH);
                // the singleton duties moved to the survivor: it replaces the dead leader's webhook subscription (the
                // provider ends with one, the survivor's) and purges a stale lock that appears after the kill
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> leaders(dir).contains(survivor));
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> subscriptionHolder(db, allImages), survivor::equals);
                execute(db, "INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES ('inbox', "
                        + "'removed-after-the-kill.jsonl', ?)", stale);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> count(db, "SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED") == 0);
                // the leader publishes events after their jobs moved on: let it empty the outbox before it stops
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .until(() -> count(db, "SELECT COUNT(*) FROM job_event WHERE published_at IS NULL") == 0);
                Process last = nodes.get(survivor);
                last.destroy();
                last.waitFor();
                // stopped gracefully, the last leader removed its subscription and its record
                assertThat(allImages.webhookIds()).isEmpty();
                assertThat(count(db, "SELECT COUNT(*) FROM webhook_subscription")).isZero();
            } finally {
                nodes.values().forEach(Process::destroyForcibly);
            }

            String problems = "see " + dir + "/node-*.log";
            // every request: exactly one terminal manifest; every job key: one create at one provider - or, for a
            // job parked because the killed instance's create had no answer that could be settled, at most one
            for (String id : ids) {
                Path manifest = outbox.resolve(id).resolve("manifest.json");
                assertThat(manifest).as(id).exists();
                String state = JSON.readTree(manifest.toFile()).path("state").asText();
                assertThat(state).as(id).isIn("DELIVERED", "NEEDS_ATTENTION");
                int creates = allImages.createsFor(id) + rendernet.createsFor(id);
                assertThat(creates).as(id + " creates").isBetween(state.equals("DELIVERED") ? 1 : 0, 1);
            }
            assertThat(count(db, "SELECT COUNT(*) FROM job")).isEqualTo(ids.size());
            assertThat(count(db, "SELECT COUNT(*) FROM job WHERE state NOT IN ('DELIVERED', 'NEEDS_ATTENTION')"))
                    .as(problems).isZero();
            // no generation was checked by two callers at once
            assertThat(allImages.overlappingChecks()).as(problems).isEmpty();
            assertThat(rendernet.overlappingChecks()).as(problems).isEmpty();
            // (all-images' own checks: its bulk status is off here, so that its slow checks meet; RenderNet's list
            // answers most of its jobs' checks, on both instances)
            long allImagesJobs = ids.stream().filter(id -> allImages.createsFor(id) > 0).count();
            assertThat(checks(allImages, ids)).isGreaterThan((int) allImagesJobs);
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
            // a job taken over while its old claimant was still at it is let go there, not failed a second time
            for (String node : List.of("node-a", "node-b")) {
                assertThat(Files.readString(log(dir, node), StandardCharsets.ISO_8859_1)).as(node)
                        .doesNotContain("FatalFallbackErrorHandler");
            }
            assertThat(filesIn(inbox.resolve(".done"))).isEqualTo(FILES);
            assertThat(Files.exists(inbox.resolve(".rejected"))).isFalse();
            // every message the broker took was read, by one instance or the other (or, if the killed one had read
            // it without committing, again by the survivor: its requests are one job each all the same, as above);
            // both instances consumed from the one queue; nothing went to the dead-letter queue or was left
            Map<String, List<String>> consumers = consumed(dir);
            assertThat(consumers.keySet()).as(problems).containsExactlyInAnyOrderElementsOf(queue.messageIds());
            assertThat(consumers.values().stream().flatMap(List::stream).distinct()).as("consumed by")
                    .containsExactlyInAnyOrder("node-a", "node-b");
            assertThat(queue.browse(CrashHarness.QUEUE)).isEmpty();
            assertThat(queue.browse("DLQ")).isEmpty();
            // job events, published by the leader alone: every job's terminal state announced; an event sent twice only
            // if the killed leader had sent it and not yet marked it published (it marks each one after sending it)
            // (the leader publishes them every imagegen.events.poll: the last job's may still be on its way)
            Map<String, List<String>> events = new HashMap<>();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                events.clear();
                for (Message event : queue.browse(EVENTS)) {
                    events.computeIfAbsent(event.getStringProperty("ImagegenJobKey"), k -> new ArrayList<>())
                            .add(event.getStringProperty("ImagegenState") + "#" + event.getStringProperty("ImagegenEventId"));
                }
                for (String id : ids) {
                    assertThat(events.getOrDefault(id, List.of())).as(id + " events")
                            .anyMatch(e -> e.startsWith("DELIVERED#") || e.startsWith("NEEDS_ATTENTION#"));
                }
            });
            long sentTwice = events.values().stream().mapToLong(e -> e.size() - e.stream().distinct().count()).sum();
            assertThat(sentTwice).as("events sent twice").isLessThanOrEqualTo(1);
        }
    }

    /**
     * Batches {@code from} to {@code to - 1} of requests (half all-images, half RenderNet): an even one is a file moved
     * into the inbox at once, an odd one a message sent to the queue.
     */
    private static void release(int from, int to, Path inbox, JmsFeed queue, List<String> ids) throws IOException {
        for (int batch = from; batch < to; batch++) {
            if (batch % 2 == 0) {
                CrashHarness.drop(inbox, batch, PER_BATCH, BATCHES * PER_BATCH, ids);
            } else {
                queue.offer(CrashHarness.batch(batch, PER_BATCH, BATCHES * PER_BATCH, ids));
            }
        }
    }

    /** The messages read from the queue → the instances that read them. */
    private static Map<String, List<String>> consumed(Path dir) throws IOException {
        return readers(dir, CONSUMED);
    }

    /**
     * The node whose subscription is the one in force, when the provider has exactly that one subscription and the job
     * store records it; otherwise null.
     */
    private static String subscriptionHolder(String db, AllImagesSimulator allImages) throws Exception {
        try (Connection c = DriverManager.getConnection(db, TestPostgres.user(), "");
             PreparedStatement s = c.prepareStatement("SELECT webhook_id, node_id FROM webhook_subscription");
             ResultSet rs = s.executeQuery()) {
            if (!rs.next() || !allImages.webhookIds().equals(Set.of(rs.getString(1)))) {
                return null;
            }
            String instance = rs.getString(2); // <node id>/<run>
            return instance.substring(0, instance.indexOf('/'));
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
