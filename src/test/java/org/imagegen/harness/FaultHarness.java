package org.imagegen.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.flywaydb.core.Flyway;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.BflSimulator;
import org.imagegen.simulator.OpenAiSimulator;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.simulator.SimulatorSettings;
import org.imagegen.support.TestPostgres;

/**
 * The crash harness with {@code -Dharness.faults=kill,pause}: two instances of the packaged bundle on one PostgreSQL
 * database ({@code -Dimagegen.test.postgres=…}, else an embedded one; H2 cannot be shared by two processes), one shared
 * inbox, a short lease ({@link #LEASE}: still over twice the longest simulated call, as the bundle asks of its
 * lease), against the four simulators in this JVM. Each round picks a fault in turn
 * and an instance at random: a kill is a SIGKILL and a restart on the same folders; a pause is a SIGSTOP for twice the
 * lease (the other instance takes its jobs over), then a SIGCONT: the woken instance still holds its claims and
 * whatever calls it was making. What that cost is counted: lost jobs, creates paid twice, jobs parked NEEDS_ATTENTION,
 * and jobs the paused instance held that were delivered late.
 */
final class PauseHarness {

    static final Duration LEASE = Duration.ofSeconds(8);
    private static final List<String> NODES = List.of("node-a", "node-b");

    private PauseHarness() {
    }

    static CrashHarness.Result run(int requests, List<String> faults, int rounds, long seed, Path root)
            throws Exception {
        Random random = new Random(seed);
        System.out.println("crash harness: " + requests + " requests, " + rounds + " faults (" + faults
                + ") on two instances, seed " + seed);
        Path dir = CrashHarness.clean(root.toAbsolutePath());
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path outbox = dir.resolve("outbox");
        String db = TestPostgres.freshSchemaUrl("pause_harness");
        Flyway.configure().dataSource(db, TestPostgres.user(), "").locations("classpath:db/migration").load().migrate();
        SimulatorSettings settings = new SimulatorSettings(0, Duration.ofMillis(500), Duration.ofMillis(3000), 0, 0,
                0, 0.2, Duration.ofMillis(500), CrashHarness.KEY, seed, 32);
        try (AllImagesSimulator allImages = (AllImagesSimulator) new AllImagesSimulator(settings).start();
             RenderNetSimulator rendernet = (RenderNetSimulator) new RenderNetSimulator(settings).start();
             OpenAiSimulator openai = (OpenAiSimulator) new OpenAiSimulator(settings).start();
             BflSimulator bfl = (BflSimulator) new BflSimulator(settings).start()) {
            Map<String, Process> nodes = new LinkedHashMap<>();
            int kills = 0;
            int pauses = 0;
            Set<String> heldWhenPaused = new HashSet<>();
            List<String> ids = new ArrayList<>();
            int perBatch = 25;
            int batches = (requests + perBatch - 1) / perBatch;
            int released = 0;
            try {
                for (; released < batches / 2; released++) {
                    CrashHarness.drop(inbox, released, CrashHarness.batch(released, perBatch, requests, ids,
                            CrashHarness.PROVIDERS));
                }
                for (String node : NODES) {
                    nodes.put(node, start(dir, node, db, allImages, rendernet, openai, bfl, 0));
                }
                for (int round = 0; round < rounds; round++) {
                    // the rest of the requests come in before the faults, so each fault meets jobs in flight
                    int until = batches / 2 + (batches - batches / 2) * (round + 1) / rounds;
                    for (; released < until; released++) {
                        CrashHarness.drop(inbox, released, CrashHarness.batch(released, perBatch, requests, ids,
                                CrashHarness.PROVIDERS));
                    }
                    Thread.sleep(1500 + random.nextInt(3000)); // the random moment of the fault: the harness's input
                    String fault = faults.get(round % faults.size());
                    String node = NODES.get(random.nextInt(NODES.size()));
                    Process process = nodes.get(node);
                    if (fault.equals("kill")) {
                        process.destroyForcibly().waitFor();
                        kills++;
                        nodes.put(node, start(dir, node, db, allImages, rendernet, openai, bfl, round + 1));
                    } else {
                        // stopped while it holds claims (in the middle of steps), as a pause that costs something
                        long giveUp = System.currentTimeMillis() + 15_000;
                        while (claimsOf(db, node).isEmpty() && System.currentTimeMillis() < giveUp) {
                            Thread.sleep(10); // polling the other process's claims
                        }
                        signal("STOP", process);
                        List<String> held = claimsOf(db, node);
                        System.out.println("crash harness: " + node + " stopped holding " + held.size() + " claims");
                        heldWhenPaused.addAll(held);
                        pauses++;
                        Thread.sleep(LEASE.toMillis() * 2 + 1000); // past the lease: the other instance takes over
                        signal("CONT", process);
                    }
                }
                for (; released < batches; released++) {
                    CrashHarness.drop(inbox, released, CrashHarness.batch(released, perBatch, requests, ids,
                            CrashHarness.PROVIDERS));
                }
                CrashHarness.awaitAllTerminal(ids, outbox, Duration.ofMinutes(5));
            } finally {
                for (Process process : nodes.values()) {
                    signal("CONT", process); // never leave a stopped process behind
                    process.destroy();
                    process.waitFor();
                }
            }
            CrashHarness.Result result = CrashHarness.check(ids, outbox, List.of(allImages, rendernet, openai, bfl),
                    kills);
            ObjectMapper json = new ObjectMapper();
            int late = 0;
            for (String id : heldWhenPaused) {
                Path manifest = outbox.resolve(id).resolve("manifest.json");
                if (Files.exists(manifest) && json.readTree(manifest.toFile()).path("state").asText().equals("DELIVERED")) {
                    late++;
                }
            }
            System.out.println("crash harness: jobs held by a paused instance: " + heldWhenPaused.size());
            return result.withPauses(pauses, late);
        }
    }

    private static Process start(Path dir, String node, String db, AllImagesSimulator allImages,
                                 RenderNetSimulator rendernet, OpenAiSimulator openai, BflSimulator bfl, int run)
            throws Exception {
        List<String> command = CrashHarness.command(dir, allImages, rendernet,
                "-Dimagegen.providers.openai.base-url=" + openai.baseUrl(),
                "-Dimagegen.providers.openai.api-key=" + CrashHarness.KEY,
                "-Dimagegen.providers.openai.rate-limit.per-second=2000",
                "-Dimagegen.providers.bfl.base-url=" + bfl.baseUrl(),
                "-Dimagegen.providers.bfl.api-key=" + CrashHarness.KEY,
                "-Dimagegen.providers.bfl.download-hosts=" + String.join(",", bfl.imageHosts()),
                "-Dimagegen.providers.bfl.rate-limit.per-second=2000",
                "-Dimagegen.node-id=" + node, "-Dimagegen.data=" + dir.resolve("data-" + node),
                "-Dimagegen.db.url=" + db, "-Dimagegen.db.user=" + TestPostgres.user(), "-Dimagegen.db.password=",
                "-Dimagegen.cluster.enabled=true", "-Dimagegen.cluster.lock-folder=" + dir.resolve("cluster"),
                "-Dimagegen.cluster.leader-check-interval=500ms", "-Dimagegen.cluster.read-lock-max-age=5s",
                "-Dimagegen.cluster.read-lock-keep-alive=1s", "-Dimagegen.loop.lease=" + LEASE.toSeconds() + "s");
        return CrashHarness.start(command, dir.resolve(node + "-" + run + ".log"));
    }

    /** Sends SIGSTOP or SIGCONT to the process (the kill command: the JDK sends only SIGTERM and SIGKILL). */
    private static void signal(String signal, Process process) throws Exception {
        if (!process.isAlive()) {
            return;
        }
        int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed: " + exit);
        }
    }

    /** The jobs the instances of {@code node} hold a claim on (their claim tokens start with the node's id). */
    private static List<String> claimsOf(String db, String node) throws Exception {
        List<String> keys = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db, TestPostgres.user(), "");
             PreparedStatement s = c.prepareStatement("SELECT job_key FROM job WHERE lease_owner LIKE ?")) {
            s.setString(1, node + "/%");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        return keys;
    }
}
