package org.imagegen.harness;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.simulator.SimulatorSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM (what {@link Process#destroy()} sends) to the packaged bundle while it works: it must stop taking new work,
 * finish or park what it holds within camel.main.shutdown-timeout and exit; started again on the same folders, it
 * must deliver every request exactly once, with one create per job key. The simulators live in this JVM, so they
 * see both runs.
 */
class GracefulShutdownIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REQUESTS = 60;

    @Test
    void aSigtermMidRunLosesNothingAndARestartDeliversEverythingOnce() throws Exception {
        Path dir = clean(Path.of("target", "it", "graceful-shutdown").toAbsolutePath());
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path outbox = dir.resolve("outbox");
        SimulatorSettings settings = new SimulatorSettings(0, Duration.ofMillis(1000), Duration.ofMillis(4000), 0, 0,
                0, 0, Duration.ZERO, CrashHarness.KEY, 7, 32);
        try (AllImagesSimulator allImages = (AllImagesSimulator) new AllImagesSimulator(settings).start();
             RenderNetSimulator rendernet = (RenderNetSimulator) new RenderNetSimulator(settings).start()) {
            List<String> command = CrashHarness.command(dir, allImages, rendernet);
            List<String> ids = new ArrayList<>();
            drop(inbox, "first", 0, REQUESTS / 2, ids);

            Process first = CrashHarness.start(command, dir.resolve("run-1.log"));
            try {
                // mid-run: some generations created, not all of them delivered
                await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(50))
                        .until(() -> allImages.totalCreates() + rendernet.totalCreates() >= 10);
                first.destroy();
                // work arriving during the shutdown waits for the next run
                drop(inbox, "during-shutdown", REQUESTS / 2, REQUESTS, ids);
                assertThat(first.waitFor(2, TimeUnit.MINUTES)).as("the bundle exits after SIGTERM").isTrue();
            } finally {
                first.destroyForcibly();
            }
            String log = Files.readString(dir.resolve("run-1.log"), StandardCharsets.ISO_8859_1);
            assertThat(log).contains("triggered by SIGTERM").contains("is shutting down").contains("(Main) 4.17.0 is shutdown");
            assertThat(log).as("shut down gracefully, not forced at the timeout").doesNotContain("Forcing");
            assertThat(log).doesNotContain(" ERROR ");
            long deliveredBefore = ids.stream().filter(id -> Files.exists(outbox.resolve(id).resolve("manifest.json"))).count();
            assertThat(deliveredBefore).as("stopped mid-run").isLessThan(REQUESTS);

            Process second = CrashHarness.start(command, dir.resolve("run-2.log"));
            try {
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() -> ids.stream()
                        .allMatch(id -> Files.exists(outbox.resolve(id).resolve("manifest.json"))));
                second.destroy();
                assertThat(second.waitFor(2, TimeUnit.MINUTES)).isTrue();
            } finally {
                second.destroyForcibly();
            }

            Map<String, Integer> deliveredEvents = deliveredEvents(dir.resolve("data"));
            for (String id : ids) {
                assertThat(JSON.readTree(outbox.resolve(id).resolve("manifest.json").toFile()).path("state").asText())
                        .as(id).isEqualTo("DELIVERED");
                assertThat(allImages.createsFor(id) + rendernet.createsFor(id)).as("creates of " + id).isEqualTo(1);
                assertThat(deliveredEvents.get(id)).as("deliveries of " + id).isEqualTo(1);
            }
            try (Stream<Path> left = Files.list(inbox)) {
                assertThat(left.filter(Files::isRegularFile)).as("nothing left unread in the inbox").isEmpty();
            }
        }
    }

    /** How often each job reached DELIVERED, from the job store's history (read after the bundle exited). */
    private static Map<String, Integer> deliveredEvents(Path data) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        String url = "jdbc:h2:file:" + data.resolve("jobstore") + ";IFEXISTS=TRUE";
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery(
                     "SELECT job_key, COUNT(*) FROM job_event WHERE state = 'DELIVERED' GROUP BY job_key")) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getInt(2));
            }
        }
        return counts;
    }

    private static void drop(Path inbox, String name, int from, int to, List<String> ids) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = from; i < to; i++) {
            String id = "term-" + i;
            ids.add(id);
            lines.append("{\"id\": \"").append(id).append("\", \"provider\": \"")
                    .append(i % 2 == 0 ? "all-images" : "rendernet").append("\", \"prompt\": \"sigterm ").append(i)
                    .append("\"}\n");
        }
        Path staged = inbox.getParent().resolve(name + ".jsonl");
        Files.writeString(staged, lines);
        Files.move(staged, inbox.resolve(name + ".jsonl"), StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path clean(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }
}
