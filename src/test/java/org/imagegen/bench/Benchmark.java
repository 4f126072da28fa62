package org.imagegen.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.SimulatorSettings;

import static org.imagegen.bench.Figures.round;
import static org.imagegen.bench.Figures.target;

/**
 * {@code mvn -q -Pbench verify}: runs the packaged bundle (one instance, or several on one PostgreSQL) in JVMs of
 * its own against an all-images simulator in this JVM, on the workload {@link BenchSettings} describes: throughput
 * ({@link ThroughputRun}, with the naive baseline route beside it) or many long generations waiting
 * ({@link WaitingRun}). Prints one JSON summary, also written to target/bench/summary.json, with the targets and
 * whether each is met; ends with status 1 when a request was lost or a generation paid for twice.
 */
public final class Benchmark {

    /** imagegen.loop.batch of the measured bundles, the shipped one: the most jobs one claim takes. */
    static final int CLAIM_BATCH = shippedClaimBatch();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        BenchSettings settings = BenchSettings.fromSystemProperties();
        Files.createDirectories(settings.root());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("workload", workload(settings));
        Map<String, Object> figures = settings.waiting() ? new WaitingRun(settings).run()
                : new ThroughputRun(settings).run();
        summary.putAll(figures);
        summary.put("targets", settings.waiting() ? waitingTargets(settings, figures) : throughputTargets(settings,
                figures));
        String json = JSON.writeValueAsString(summary);
        Files.writeString(settings.root().resolve("summary.json"), json);
        System.out.println(json);
        boolean lost = settings.waiting() ? ((Number) figures.get("accepted")).longValue() < settings.jobs()
                : ((Number) figures.get("lost")).longValue() > 0;
        boolean paidTwice = ((Number) figures.get("duplicate_creates")).longValue() > 0;
        if (lost || paidTwice) {
            System.err.println("FAILED: " + (lost ? "requests were lost " : "") + (paidTwice ? "generations were "
                    + "paid for twice" : ""));
        }
        System.exit(lost || paidTwice ? 1 : 0);
    }

    private static Map<String, Object> workload(BenchSettings settings) {
        Map<String, Object> workload = new LinkedHashMap<>();
        workload.put("kind", settings.workload());
        workload.put("requests", settings.jobs());
        workload.put("files", settings.work().files());
        workload.put("duration_min_s", settings.min().toSeconds());
        workload.put("duration_max_s", settings.max().toSeconds());
        workload.put("latency_bound_x_s", settings.interval().toMillis() / 1000.0);
        if (settings.waiting()) {
            workload.put("observe_s", settings.observe().toSeconds());
        }
        workload.put("db", settings.db());
        workload.put("instances", settings.instances());
        workload.put("provider", "all-images (simulated)");
        return workload;
    }

    private static Map<String, Object> throughputTargets(BenchSettings settings, Map<String, Object> bundle) {
        double x = settings.interval().toMillis() / 1000.0;
        double minChecks = ((Number) bundle.get("checks_per_job_min_theoretical")).doubleValue();
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("all_delivered", target(0, bundle.get("lost"), true));
        targets.put("none_paid_twice", target(0, bundle.get("duplicate_creates"), true));
        targets.put("in_flight_peak", target(10_000, bundle.get("in_flight_peak"), false));
        targets.put("heap_peak_mb", target(512, bundle.get("heap_peak_mb"), true));
        targets.put("threads_peak", target(100, bundle.get("threads_peak"), true));
        targets.put("checks_per_job_mean", target(round(1.25 * minChecks), bundle.get("checks_per_job_mean"), true));
        targets.put("delivery_delay_p99_s", target(x + 0.5, bundle.get("delivery_delay_p99_s"), true));
        targets.put("cpu_s_per_1000_jobs", target(3, bundle.get("cpu_s_per_1000_jobs"), true));
        targets.put("ingest_per_s", target(5_000, bundle.get("ingest_per_s"), false));
        if (bundle.containsKey("ingest_jms_per_s")) {
            targets.put("ingest_jms_per_s", target(2_000, bundle.get("ingest_jms_per_s"), false));
        }
        return targets;
    }

    private static Map<String, Object> waitingTargets(BenchSettings settings, Map<String, Object> figures) {
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("all_accepted", target(settings.jobs(), figures.get("accepted"), false));
        targets.put("none_paid_twice", target(0, figures.get("duplicate_creates"), true));
        targets.put("heap_peak_mb", target(512, figures.get("heap_peak_mb"), true));
        targets.put("threads_peak", target(100, figures.get("threads_peak"), true));
        return targets;
    }

    private static int shippedClaimBatch() {
        Properties shipped = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("config", "application.properties"))) {
            shipped.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Integer.parseInt(shipped.getProperty("imagegen.loop.batch").strip());
    }

    static AllImagesSimulator simulator(BenchSettings settings) {
        return (AllImagesSimulator) new AllImagesSimulator(new SimulatorSettings(0, settings.min(), settings.max(), 0,
                0, 0, 0, Duration.ZERO, "bench", 42, 32)).start();
    }

    static int countFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(dir)) {
            return (int) list.count();
        }
    }

    static Path clean(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }
}
