package org.imagegen.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.ProviderSimulator.GenerationStats;

import static org.imagegen.bench.Figures.round;

/**
 * The waiting workload ({@code bench.workload=waiting}): many requests whose generations take long (by default
 * 100,000 of 10–30 minutes) are accepted, then the bundle is watched for {@code bench.observe} after the last accept.
 * What it shows is what waiting jobs cost: heap, threads and CPU while they wait, and the status loop's claim
 * (imagegen_claim_seconds, read from /observe/metrics every {@value #SCRAPE_MS} ms) over a table of that many rows;
 * after the bundles stopped, the plan of the claim's search over those rows.
 */
final class WaitingRun {

    /** How often the claim timer is read: its max is that of the last two minutes or so (Micrometer's window). */
    private static final long SCRAPE_MS = 10_000;
    private static final long SAMPLE_MS = 250;

    private final BenchSettings settings;

    WaitingRun(BenchSettings settings) {
        this.settings = settings;
    }

    Map<String, Object> run() throws Exception {
        Path dir = Benchmark.clean(settings.root().resolve("waiting"));
        try (AllImagesSimulator simulator = Benchmark.simulator(settings);
             BenchDatabase db = BenchDatabase.create(settings, "waiting")) {
            Map<String, Object> result;
            try (Fleet fleet = Fleet.start(settings, dir, simulator, db, "-Dimagegen.jms.port=0")) {
                result = watch(fleet, simulator);
            }
            // H2's file is the bundle's while it runs
            result.put("claim_explain", db.explainClaim(Fleet.dataFolder(dir, 1, settings.instances()),
                    Benchmark.CLAIM_BATCH));
            return result;
        }
    }

    private Map<String, Object> watch(Fleet fleet, AllImagesSimulator simulator) throws Exception {
        int jobs = settings.jobs();
        fleet.markStart();
        long start = System.currentTimeMillis();
        List<String> ids = settings.work().feed(fleet.inbox);
        // the intake's own limit: far beyond what it needs on a quiet machine, so a stuck intake ends the run
        long acceptDeadline = start + Math.max(600_000, jobs * 20L);
        long accepted = 0;
        for (int n = 0; accepted < jobs && System.currentTimeMillis() < acceptDeadline; n++) {
            fleet.sample();
            if (n % 4 == 0) {
                accepted = fleet.acceptedJobs(); // a count over the whole store: once a second is enough
            }
            Thread.sleep(SAMPLE_MS); // sampling period of the probe, not a wait for an outcome
        }
        long acceptedAt = System.currentTimeMillis();
        fleet.sample();
        Map<String, Object> intake = fleet.figures(jobs, (acceptedAt - start) / 1000.0);
        double cpuAtAccept = fleet.cpuSeconds();
        int createdAtAccept = simulator.totalCreates();
        Map<String, Double> before = fleet.metrics();
        // the timers' recent max, highest over the readings: the claims' worst of the observed window
        Map<String, Double> maxima = new HashMap<>();

        fleet.resetPeaks();
        long observeEnd = acceptedAt + settings.observe().toMillis();
        long nextScrape = acceptedAt + SCRAPE_MS;
        while (System.currentTimeMillis() < observeEnd) {
            fleet.sample();
            if (System.currentTimeMillis() >= nextScrape) {
                keepMaxima(fleet.metrics(), maxima);
                nextScrape += SCRAPE_MS;
            }
            Thread.sleep(SAMPLE_MS); // sampling period of the probe, not a wait for an outcome
        }
        long end = System.currentTimeMillis();
        fleet.sample();
        Map<String, Double> after = fleet.metrics();
        keepMaxima(after, maxima);
        Map<String, Object> observed = fleet.figures(jobs, (end - start) / 1000.0);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("requests", jobs);
        result.put("accepted", accepted);
        result.put("ingest_per_s", accepted < jobs ? 0 : round(jobs * 1000.0 / Math.max(1, acceptedAt - start)));
        result.put("created_at_last_accept", createdAtAccept);
        result.put("created", simulator.totalCreates());
        result.put("duplicate_creates", Figures.duplicateCreates(ids, simulator));
        result.put("status_checks", statusChecks(ids, simulator));
        result.put("delivered", simulator.fullyDownloaded());
        result.put("observe_s", round((end - acceptedAt) / 1000.0));
        result.put("wall_s", round((end - start) / 1000.0));
        result.put("heap_peak_mb", Math.max((double) intake.get("heap_peak_mb"), (double) observed.get("heap_peak_mb")));
        result.put("heap_peak_observe_mb", observed.get("heap_peak_mb"));
        result.put("heap_live_after_gc_mb", fleet.heapLiveAfterGcMb());
        result.put("threads_peak", Math.max((int) intake.get("threads_peak"), (int) observed.get("threads_peak")));
        result.put("threads_peak_observe", observed.get("threads_peak"));
        result.put("cpu_s_per_1000_jobs", observed.get("cpu_s_per_1000_jobs"));
        result.put("cpu_s_intake", round(cpuAtAccept));
        result.put("cpu_s_observe", round(fleet.cpuSeconds() - cpuAtAccept));
        result.put("cpu_s_startup", observed.get("cpu_s_startup"));
        result.put("jit_compile_s", observed.get("jit_compile_s"));
        Map<String, Double> window = new HashMap<>(after);
        window.putAll(maxima);
        result.put("claims_observe", Figures.claims(window, before));
        result.put("claims_whole_run", Figures.claims(after));
        result.put("jobs_due_at_end", fleet.bundles().get(0).metrics().getOrDefault("imagegen_jobs_due", 0.0));
        if (observed.containsKey("instances")) {
            result.put("instances", observed.get("instances"));
        }
        return result;
    }

    private static void keepMaxima(Map<String, Double> metrics, Map<String, Double> maxima) {
        metrics.forEach((key, value) -> {
            if (key.startsWith("imagegen_claim_seconds_max")) {
                maxima.merge(key, value, Math::max);
            }
        });
    }

    /** Status checks the simulator answered for these jobs (few or none while their generations run). */
    private static long statusChecks(List<String> ids, AllImagesSimulator simulator) {
        long checks = 0;
        for (String id : ids) {
            GenerationStats stats = simulator.statsFor(id);
            checks += stats == null ? 0 : stats.checks();
        }
        return checks;
    }
}
