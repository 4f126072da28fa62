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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.flywaydb.core.Flyway;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.BflSimulator;
import org.imagegen.simulator.OpenAiSimulator;
import org.imagegen.simulator.ProviderSimulator;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.simulator.SimulatorSettings;
import org.imagegen.support.TcpProxy;
import org.imagegen.support.TestPostgres;
import org.imagegen.support.Tmpfs;

/**
 * The crash harness with every fault class ({@code -Dharness.faults=kill,pause,partition,disk}), in one seeded run
 * against the four simulators in this JVM, on either job store ({@code -Dharness.store}):
 * <ul>
 * <li>{@code postgres}: two instances of the packaged bundle on one PostgreSQL database ({@code
 * -Dimagegen.test.postgres=…}, else an embedded one), one shared inbox, each reaching the database through a TCP
 * proxy of its own that the harness controls;</li>
 * <li>{@code h2}: one instance with its H2 file (H2 cannot be shared by two processes), reaching each simulator
 * through a TCP proxy the harness controls (every URL a simulator hands out names its proxy).</li>
 * </ul>
 * A short lease ({@link #LEASE}: still over twice the longest simulated call, as the bundle asks of its lease). Each
 * round picks the next fault in turn and an instance at random: {@code kill} a SIGKILL and a restart on the same
 * folders; {@code pause} a SIGSTOP for {@link #OUTAGE}, then a SIGCONT; {@code partition} the instance's proxy to
 * PostgreSQL cut for {@link #OUTAGE} (on H2: the proxies to every simulator) and restored; {@code disk} the data
 * folders' tmpfs filled to below {@code imagegen.disk.min-free-bytes} and the outbox's tmpfs to the last byte, for
 * {@link #OUTAGE}, then freed (needs root). What that cost is counted: lost jobs, creates paid twice, jobs parked
 * NEEDS_ATTENTION, and jobs delivered late ({@link CrashHarness#LATE}).
 */
final class FaultHarness {

    static final Duration LEASE = Duration.ofSeconds(8);
    /** How long a pause, a partition or a full disk lasts: past the lease, so another instance can take over. */
    static final Duration OUTAGE = LEASE.multipliedBy(2).plusSeconds(1);
    /**
     * imagegen.disk.min-free-bytes under the disk fault (its tmpfs is small; the default is 256 MiB). H2 appends to
     * its file: with 32 MiB, the half left free was gone within one fault and H2 closed its database.
     */
    static final long MIN_FREE = 128L * 1024 * 1024;

    private FaultHarness() {
    }

    static CrashHarness.Result run(int requests, List<String> faults, int rounds, long seed, Path root,
                                   boolean postgres) throws Exception {
        boolean disk = faults.contains("disk");
        if (disk && !Tmpfs.isRoot()) {
            throw new IllegalStateException("harness.faults=disk mounts small tmpfs file systems (mount -t tmpfs) and "
                    + "needs root: run the harness as root, or leave disk out of harness.faults");
        }
        Random random = new Random(seed);
        List<String> nodes = postgres ? List.of("node-a", "node-b") : List.of("harness");
        System.out.println("crash harness: " + requests + " requests, " + rounds + " faults (" + faults + ") on "
                + (postgres ? "two instances on PostgreSQL" : "one instance on H2") + ", seed " + seed);
        Path base = root.toAbsolutePath();
        Path dataRoot = base.resolve("data");
        Path outbox = base.resolve("outbox");
        Tmpfs.unmountIfMounted(dataRoot);
        Tmpfs.unmountIfMounted(outbox);
        Path dir = CrashHarness.clean(base);
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        List<Path> mounts = new ArrayList<>();
        if (disk) {
            // the jobs' images are small (the simulators draw 32 px); H2 or the broker's journal need tens of MiB
            Tmpfs.mount(dataRoot, "768m");
            mounts.add(dataRoot);
            // over MIN_FREE: the outbox is a folder sink's root, whose free space the bundle checks as well
            Tmpfs.mount(outbox, "256m");
            mounts.add(outbox);
        }
        String db = postgres ? TestPostgres.freshSchemaUrl("fault_harness") : null;
        if (postgres) {
            Flyway.configure().dataSource(db, TestPostgres.user(), "").locations("classpath:db/migration").load()
                    .migrate();
        }
        SimulatorSettings settings = new SimulatorSettings(0, Duration.ofMillis(500), Duration.ofMillis(3000), 0, 0,
                0, 0.2, Duration.ofMillis(500), CrashHarness.KEY, seed, 32);
        Map<String, TcpProxy> dbProxies = new LinkedHashMap<>();
        List<TcpProxy> providerProxies = new ArrayList<>();
        Map<String, Process> running = new LinkedHashMap<>();
        Map<String, Integer> counted = new LinkedHashMap<>();
        try (AllImagesSimulator allImages = (AllImagesSimulator) new AllImagesSimulator(settings).start();
             RenderNetSimulator rendernet = (RenderNetSimulator) new RenderNetSimulator(settings).start();
             OpenAiSimulator openai = (OpenAiSimulator) new OpenAiSimulator(settings).start();
             BflSimulator bfl = (BflSimulator) new BflSimulator(settings).start()) {
            List<ProviderSimulator> simulators = List.of(allImages, rendernet, openai, bfl);
            for (String node : nodes) {
                if (postgres) {
                    dbProxies.put(node, proxyTo(db));
                }
            }
            if (!postgres) {
                for (ProviderSimulator simulator : simulators) {
                    TcpProxy proxy = new TcpProxy("127.0.0.1", simulator.listeningPort());
                    simulator.reachedThrough(proxy.port());
                    providerProxies.add(proxy);
                }
            }
            Launch launch = (node, run) -> start(dir, node, postgres ? viaProxy(db, dbProxies.get(node)) : null,
                    dataRoot, disk, allImages, rendernet, openai, bfl, run);
            Set<String> heldWhenFaulted = new HashSet<>();
            List<String> ids = new ArrayList<>();
            int perBatch = 25;
            int batches = (requests + perBatch - 1) / perBatch;
            int released = 0;
            try {
                for (; released < batches / 2; released++) {
                    drop(inbox, released, perBatch, requests, ids);
                }
                for (String node : nodes) {
                    running.put(node, launch.start(node, 0));
                }
                for (int round = 0; round < rounds; round++) {
                    // the rest of the requests come in before the faults, so each fault meets jobs in flight
                    int until = batches / 2 + (batches - batches / 2) * (round + 1) / rounds;
                    for (; released < until; released++) {
                        drop(inbox, released, perBatch, requests, ids);
                    }
                    Thread.sleep(1500 + random.nextInt(3000)); // the random moment of the fault: the harness's input
                    String fault = faults.get(round % faults.size());
                    String node = nodes.get(random.nextInt(nodes.size()));
                    counted.merge(fault, 1, Integer::sum);
                    Process process = running.get(node);
                    if (postgres && !fault.equals("kill") && !fault.equals("disk")) {
                        // paused or cut off while it holds claims (in the middle of steps), as a fault that costs
                        long giveUp = System.currentTimeMillis() + 15_000;
                        while (claimsOf(db, node).isEmpty() && System.currentTimeMillis() < giveUp) {
                            Thread.sleep(10); // polling the other process's claims
                        }
                        List<String> held = claimsOf(db, node);
                        System.out.println("crash harness: " + fault + " of " + node + " holding " + held.size()
                                + " claims");
                        heldWhenFaulted.addAll(held);
                    }
                    switch (fault) {
                        case "kill" -> {
                            process.destroyForcibly().waitFor();
                            running.put(node, launch.start(node, round + 1));
                        }
                        case "pause" -> {
                            signal("STOP", process);
                            Thread.sleep(OUTAGE.toMillis()); // past the lease: another instance may take over
                            signal("CONT", process);
                        }
                        case "partition" -> {
                            List<TcpProxy> cut = postgres ? List.of(dbProxies.get(node)) : providerProxies;
                            cut.forEach(TcpProxy::cut);
                            Thread.sleep(OUTAGE.toMillis()); // longer than the lease
                            cut.forEach(TcpProxy::restore);
                        }
                        case "disk" -> {
                            Path dataFiller = Tmpfs.fill(dataRoot, MIN_FREE / 2);
                            Path outboxFiller = Tmpfs.fill(outbox, 0);
                            System.out.println("crash harness: data folders and outbox full");
                            Thread.sleep(OUTAGE.toMillis()); // the disk stays full a while
                            Files.delete(outboxFiller);
                            Files.delete(dataFiller);
                        }
                        default -> throw new IllegalArgumentException(fault);
                    }
                }
                for (; released < batches; released++) {
                    drop(inbox, released, perBatch, requests, ids);
                }
                CrashHarness.awaitAllTerminal(ids, outbox, Duration.ofMinutes(5).plusSeconds(requests));
            } finally {
                for (Process process : running.values()) {
                    signal("CONT", process); // never leave a stopped process behind
                    process.destroy();
                    process.waitFor();
                }
                dbProxies.values().forEach(TcpProxy::close);
                providerProxies.forEach(TcpProxy::close);
            }
            CrashHarness.Result result = CrashHarness.check(ids, outbox, simulators, counted);
            if (postgres) {
                long delivered = heldWhenFaulted.stream().filter(id -> CrashHarness.delivered(outbox, id)).count();
                System.out.println("crash harness: jobs held by an instance when it was paused or cut off: "
                        + heldWhenFaulted.size() + ", of them delivered: " + delivered);
            }
            return result;
        } finally {
            for (Path mount : mounts) {
                try {
                    Tmpfs.unmount(mount);
                } catch (Exception e) {
                    System.out.println("crash harness: " + e.getMessage());
                }
            }
        }
    }

    private interface Launch {
        Process start(String node, int run) throws Exception;
    }

    private static void drop(Path inbox, int index, int perBatch, int requests, List<String> ids) throws Exception {
        CrashHarness.drop(inbox, index, CrashHarness.batch(index, perBatch, requests, ids, CrashHarness.PROVIDERS));
    }

    private static Process start(Path dir, String node, String db, Path dataRoot, boolean disk,
                                 AllImagesSimulator allImages, RenderNetSimulator rendernet, OpenAiSimulator openai,
                                 BflSimulator bfl, int run) throws Exception {
        List<String> settings = new ArrayList<>(List.of(
                "-Dimagegen.providers.openai.base-url=" + openai.baseUrl(),
                "-Dimagegen.providers.openai.api-key=" + CrashHarness.KEY,
                "-Dimagegen.providers.openai.rate-limit.per-second=2000",
                "-Dimagegen.providers.bfl.base-url=" + bfl.baseUrl(),
                "-Dimagegen.providers.bfl.api-key=" + CrashHarness.KEY,
                "-Dimagegen.providers.bfl.download-hosts=" + String.join(",", bfl.imageHosts()),
                "-Dimagegen.providers.bfl.rate-limit.per-second=2000",
                "-Dimagegen.node-id=" + node, "-Dimagegen.data=" + dataRoot.resolve("data-" + node),
                "-Dimagegen.loop.lease=" + LEASE.toSeconds() + "s"));
        if (disk) {
            settings.addAll(List.of("-Dimagegen.disk.min-free-bytes=" + MIN_FREE, "-Dimagegen.disk.recheck=1s"));
        }
        if (db == null) {
            // a partition cuts the image downloads too: enough attempts (2 s apart at most) to ride out OUTAGE, as
            // docs/robustness.md tells an operator to set them for the outages they expect
            settings.add("-Dimagegen.delivery.max-attempts=" + (OUTAGE.toSeconds() / 2 + 5));
        }
        if (db != null) {
            settings.addAll(List.of(
                    "-Dimagegen.db.url=" + db, "-Dimagegen.db.user=" + TestPostgres.user(), "-Dimagegen.db.password=",
                    // a cut-off instance's pool gives up waiting well within the outage, as an operator would set it
                    "-Dimagegen.db.connection-wait=2s",
                    "-Dimagegen.cluster.enabled=true", "-Dimagegen.cluster.lock-folder=" + dir.resolve("cluster"),
                    "-Dimagegen.cluster.leader-check-interval=500ms", "-Dimagegen.cluster.read-lock-max-age=5s",
                    "-Dimagegen.cluster.read-lock-keep-alive=1s"));
        }
        List<String> command = CrashHarness.command(dir, allImages, rendernet, settings.toArray(String[]::new));
        return CrashHarness.start(command, dir.resolve(node + "-" + run + ".log"));
    }

    private static final Pattern HOST_PORT = Pattern.compile("//([^:/?]+):(\\d+)");

    /** A proxy in front of the database server of {@code url}. */
    private static TcpProxy proxyTo(String url) {
        Matcher m = HOST_PORT.matcher(url);
        if (!m.find()) {
            throw new IllegalArgumentException("no host:port in " + url);
        }
        return new TcpProxy(m.group(1), Integer.parseInt(m.group(2)));
    }

    /** {@code url} with its host and port replaced by the proxy's. */
    private static String viaProxy(String url, TcpProxy proxy) {
        return HOST_PORT.matcher(url).replaceFirst("//127.0.0.1:" + proxy.port());
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
