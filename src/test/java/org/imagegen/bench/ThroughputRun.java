package org.imagegen.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.JMSContext;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.support.FreePorts;

import static org.imagegen.bench.Figures.round;

/**
 * The throughput workload ({@code bench.workload=throughput}, the default): every request is delivered, by the
 * bundle (one or several instances) and then by the naive baseline route on a fresh simulator; with one instance also
 * the rate at which the same requests are accepted from the JMS queue.
 */
final class ThroughputRun {

    private final BenchSettings settings;

    ThroughputRun(BenchSettings settings) {
        this.settings = settings;
    }

    /** The bundle's figures, the JMS ingest's and the baseline's, and the ratios of the bundle's to the baseline's. */
    Map<String, Object> run() throws Exception {
        Map<String, Object> summary = new LinkedHashMap<>();
        Map<String, Object> bundle = runBundle();
        if (settings.queue()) {
            bundle.putAll(measureQueueIngest());
        }
        summary.putAll(bundle);
        if (settings.baseline()) {
            Map<String, Object> baseline = runBaseline(settings.baselineJobs());
            summary.put("baseline", baseline);
            Map<String, Object> ratios = new LinkedHashMap<>();
            for (String key : List.of("checks_per_job_mean", "threads_peak", "heap_peak_mb", "delivery_delay_p99_s",
                    "cpu_s_per_1000_jobs")) {
                ratios.put(key + "_bundle_over_baseline", Figures.ratio(bundle.get(key), baseline.get(key)));
            }
            summary.put("ratios", ratios);
        }
        return summary;
    }

    private Map<String, Object> runBundle() throws Exception {
        Path dir = Benchmark.clean(settings.root().resolve("bundle"));
        try (AllImagesSimulator simulator = Benchmark.simulator(settings);
             BenchDatabase db = BenchDatabase.create(settings, "bundle");
             Fleet fleet = Fleet.start(settings, dir, simulator, db, "-Dimagegen.jms.port=0")) {
            Map<String, Object> result = measure(fleet, simulator, settings.work(), true);
            result.putAll(Figures.claims(fleet.metrics()));
            return result;
        }
    }

    /**
     * The same workload sent as JMS messages (one JSON Lines batch per message, as many messages as files) to the
     * bundle's embedded broker; the figure is requests accepted into the job store per second, read over JMX
     * (org.imagegen:type=Jobs). A message is acknowledged only after its jobs are recorded, so this is the rate at
     * which the queue can be drained. The pipeline runs meanwhile, as it does while files are read.
     */
    private Map<String, Object> measureQueueIngest() throws Exception {
        Path dir = Benchmark.clean(settings.root().resolve("queue"));
        int port = FreePorts.loopback();
        int jobs = settings.jobs();
        try (AllImagesSimulator simulator = Benchmark.simulator(settings);
             BenchDatabase db = BenchDatabase.create(settings, "queue");
             Fleet fleet = Fleet.start(settings, dir, simulator, db, "-Dimagegen.jms.port=" + port);
             ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port);
             JMSContext jms = factory.createContext()) {
            MeasuredProcess bundle = fleet.bundles().get(0);
            bundle.markStart();
            long start = System.currentTimeMillis();
            for (String batch : settings.work().batches()) {
                jms.createProducer().send(jms.createQueue("imagegen.requests"), batch);
            }
            long deadline = start + 600_000;
            while (fleet.acceptedJobs() < jobs && System.currentTimeMillis() < deadline) {
                Thread.sleep(100); // sampling period of the probe, not a wait for an outcome
            }
            long end = System.currentTimeMillis();
            bundle.probe().sample();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("ingest_jms_per_s", fleet.acceptedJobs() < jobs ? 0
                    : round(jobs * 1000.0 / Math.max(1, end - start)));
            // CPU of the queue-ingest bundle from the first message sent until every request was accepted
            result.put("ingest_jms_cpu_s_per_1000", round(bundle.cpuSeconds() / jobs * 1000));
            result.put("ingest_jms_measured_as", "requests accepted into the job store per second, sent as "
                    + settings.work().files() + " JMS messages to the embedded broker");
            return result;
        }
    }

    private Map<String, Object> runBaseline(int baselineJobs) throws Exception {
        Path dir = Benchmark.clean(settings.root().resolve("baseline"));
        try (AllImagesSimulator simulator = Benchmark.simulator(settings)) {
            String classpath = String.join(File.pathSeparator,
                    Path.of("target", "test-classes").toAbsolutePath().toString(),
                    Path.of("target", "classes").toAbsolutePath().toString(),
                    Path.of("target", "lib").toAbsolutePath() + "/*");
            // the main logging configuration (INFO), not the quiet one of the tests: the harness waits for "started in"
            List<String> command = new ArrayList<>(List.of(Fleet.java(), "-Xmx" + settings.heap(), "-cp", classpath,
                    "-Dlogback.configurationFile=" + Path.of("target", "classes", "logback.xml").toAbsolutePath(),
                    "-Dbench.inbox=" + dir.resolve("inbox"), "-Dbench.outbox=" + dir.resolve("outbox"),
                    "-Dbench.base-url=" + simulator.baseUrl(), "-Dbench.api-key=bench",
                    "-Dbench.threads=" + baselineJobs, NaiveLoopApp.class.getName()));
            try (Fleet baseline = Fleet.of(MeasuredProcess.start("baseline", command, dir.resolve("baseline.log"), 0),
                    dir.resolve("inbox"), dir.resolve("outbox"))) {
                baseline.bundles().get(0).awaitStarted(Duration.ofSeconds(180));
                return measure(baseline, simulator, new Workload(baselineJobs, settings.work().files()), false);
            }
        }
    }

    /**
     * Whether every request was accepted: one instance, every file moved to .done; several, every job in the shared
     * store (asked once a second: a count over the store), since a file two instances both read may miss from .done.
     */
    private boolean accepted(Fleet fleet, int files, int count, int sample) throws Exception {
        if (settings.instances() == 1) {
            return Benchmark.countFiles(fleet.inbox.resolve(".done")) >= files;
        }
        return sample % 4 == 0 && fleet.acceptedJobs() >= count;
    }

    private static int manifestsWritten(List<String> ids, Path outbox) {
        int written = 0;
        for (String id : ids) {
            written += Files.exists(outbox.resolve(id).resolve("manifest.json")) ? 1 : 0;
        }
        return written;
    }

    /** Feeds the workload, samples the processes until every job is delivered (or a limit), and sums it up. */
    private Map<String, Object> measure(Fleet fleet, AllImagesSimulator simulator, Workload work, boolean manifests)
            throws Exception {
        int count = work.count();
        int files = work.batches().size();
        fleet.markStart();
        long start = System.currentTimeMillis();
        List<String> ids = work.feed(fleet.inbox);
        long ingestEnd = 0;
        int inFlightPeak = 0;
        long deadline = start + settings.max().toMillis() * 3 + 300_000;
        for (int n = 0; simulator.fullyDownloaded() < count && System.currentTimeMillis() < deadline; n++) {
            fleet.sample();
            inFlightPeak = Math.max(inFlightPeak, simulator.totalCreates() - simulator.fullyDownloaded());
            if (ingestEnd == 0 && (manifests ? accepted(fleet, files, count, n) : simulator.totalCreates() >= count)) {
                ingestEnd = System.currentTimeMillis();
            }
            Thread.sleep(250); // sampling period of the probe, not a wait for an outcome
        }
        long end = System.currentTimeMillis();
        // a job's manifest is written after its last image was downloaded: the last ones may lag a moment behind
        long settle = end + 60_000;
        while (manifests && simulator.fullyDownloaded() >= count && manifestsWritten(ids, fleet.outbox) < count
                && System.currentTimeMillis() < settle) {
            Thread.sleep(500); // polling files written by another process
        }
        fleet.sample();
        Map<String, Object> result = Figures.deliveries(ids, simulator, fleet.outbox, manifests, settings.min(),
                settings.interval());
        if (manifests) {
            // "lost" is what no bundle holds; a job still under way when the window closed is only late
            List<String> undelivered = ids.stream()
                    .filter(id -> !Files.exists(fleet.outbox.resolve(id).resolve("manifest.json"))).toList();
            long held = fleet.held(undelivered);
            result.put("lost", undelivered.size() - held);
            result.put("undelivered_in_store", held);
        }
        result.put("window_s", (deadline - start) / 1000);
        result.put("in_flight_peak", inFlightPeak);
        double wallS = (end - start) / 1000.0;
        result.put("wall_s", round(wallS));
        result.put("ingest_per_s", ingestEnd == 0 ? 0 : round(count * 1000.0 / Math.max(1, ingestEnd - start)));
        result.put("ingest_measured_as", !manifests
                ? "creates received by the provider per second (the naive route has no accept stage)"
                : settings.instances() == 1 ? "requests accepted (files moved to .done) per second"
                : "requests accepted (jobs in the shared store) per second");
        if (manifests) {
            result.put("inbox_files_done", Benchmark.countFiles(fleet.inbox.resolve(".done")));
        }
        result.putAll(fleet.figures(count, wallS));
        return result;
    }
}
