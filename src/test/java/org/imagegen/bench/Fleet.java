package org.imagegen.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.support.FreePorts;

import static org.imagegen.bench.Figures.round;

/**
 * The bundles under measure: one, or {@code bench.instances} of them sharing one PostgreSQL job store, one inbox and
 * one outbox (imagegen.cluster.enabled: a file is read by one of them, a job worked on by one at a time), each with
 * its own data folder, node id and API port. Its figures are per JVM where a target is per JVM (heap, threads: the
 * highest instance's) and summed where they are the fleet's cost (CPU).
 */
final class Fleet implements AutoCloseable {

    /** The bundles' API token: the harness asks them for the jobs it did not see delivered. */
    static final String API_TOKEN = "bench-token";

    private final List<MeasuredProcess> bundles;
    final Path inbox;
    final Path outbox;

    private Fleet(List<MeasuredProcess> bundles, Path inbox, Path outbox) {
        this.bundles = bundles;
        this.inbox = inbox;
        this.outbox = outbox;
    }

    /** Starts the bundles in {@code dir} against the simulator and the store, and waits until each has started. */
    static Fleet start(BenchSettings settings, Path dir, AllImagesSimulator simulator, BenchDatabase db,
                       String jmsOption) throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path outbox = dir.resolve("outbox");
        int count = settings.instances();
        List<MeasuredProcess> bundles = new ArrayList<>();
        Fleet fleet = new Fleet(bundles, inbox, outbox);
        try {
            for (int i = 1; i <= count; i++) {
                String name = count == 1 ? "bundle" : "bundle-" + i;
                List<String> options = new ArrayList<>(db.bundleOptions());
                options.add(jmsOption);
                if (count > 1) {
                    options.addAll(List.of("-Dimagegen.node-id=bench-" + i, "-Dimagegen.cluster.enabled=true",
                            "-Dimagegen.cluster.lock-folder=" + dir.resolve("cluster")));
                }
                int apiPort = FreePorts.loopback();
                bundles.add(MeasuredProcess.start(name, command(settings, inbox, outbox, dataFolder(dir, i, count),
                        simulator, apiPort, options), dir.resolve(name + ".log"), apiPort));
            }
            for (MeasuredProcess bundle : bundles) {
                // a loaded machine can take a minute for one start, and several JVMs starting at once take longer
                bundle.awaitStarted(Duration.ofSeconds(180L * count));
            }
            return fleet;
        } catch (Exception e) {
            fleet.close();
            throw e;
        }
    }

    /** A process that is not a bundle (the baseline), measured the same way. */
    static Fleet of(MeasuredProcess process, Path inbox, Path outbox) {
        return new Fleet(List.of(process), inbox, outbox);
    }

    /** The data folder of instance {@code i} (1-based): where H2 keeps the store, and each instance's staging. */
    static Path dataFolder(Path dir, int i, int count) {
        return dir.resolve(count == 1 ? "data" : "data-" + i);
    }

    /** The bundle's command line, configured for the benchmark's simulator and workload. */
    static List<String> command(BenchSettings settings, Path inbox, Path outbox, Path data,
                                AllImagesSimulator simulator, int apiPort, List<String> options) {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx" + settings.heap()));
        command.addAll(settings.jvm());
        command.addAll(List.of("-Dimagegen.inbox=" + inbox, "-Dimagegen.outbox=" + outbox, "-Dimagegen.data=" + data,
                "-Dimagegen.console.enabled=false", "-Dimagegen.api.port=" + apiPort,
                "-Dimagegen.api.token=" + API_TOKEN,
                // no built-in simulators for the providers the workload does not use (auto starts one for every
                // provider without a key): the threads and heap measured are the bundle's own
                "-Dimagegen.simulate=false",
                "-Dimagegen.providers.all-images.base-url=" + simulator.baseUrl(),
                "-Dimagegen.providers.all-images.api-key=bench",
                "-Dimagegen.providers.all-images.rate-limit.per-second=100000",
                "-Dimagegen.providers.all-images.rate-limit.burst=100000",
                "-Dimagegen.poll.initial-delay=" + settings.min().toMillis() + "ms",
                "-Dimagegen.poll.interval=" + settings.interval().toMillis() + "ms",
                "-Dimagegen.poll.queued-interval=" + settings.interval().toMillis() + "ms",
                "-Dimagegen.poll.deadline=" + (settings.max().toMillis() * 10) + "ms",
                // the status loop's claim batch and queue are the shipped ones (imagegen.loop.*)
                "-Dimagegen.inbox.poll=100ms", "-Dimagegen.inbox.stable=200ms"));
        command.addAll(options);
        command.addAll(List.of("-jar", Path.of("target", "imagegen-bundle.jar").toAbsolutePath().toString()));
        return command;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    List<MeasuredProcess> bundles() {
        return bundles;
    }

    void markStart() {
        bundles.forEach(MeasuredProcess::markStart);
    }

    void sample() {
        bundles.forEach(b -> b.probe().sample());
    }

    void resetPeaks() {
        bundles.forEach(b -> b.probe().resetPeaks());
    }

    /** Jobs in the shared store, in any state (asked of the first instance: they all see the same rows). */
    long acceptedJobs() throws Exception {
        return bundles.get(0).probe().acceptedJobs();
    }

    /** Of these jobs, how many a bundle's store holds (not lost, only not delivered yet). */
    long held(List<String> ids) throws Exception {
        long held = 0;
        for (String id : ids) {
            for (MeasuredProcess bundle : bundles) {
                if (bundle.holds(id)) {
                    held++;
                    break;
                }
            }
        }
        return held;
    }

    /** Each bundle's series, summed over the fleet; a timer's recent max ({@code _max}) is the highest one's. */
    Map<String, Double> metrics() throws Exception {
        Map<String, Double> total = new LinkedHashMap<>();
        for (MeasuredProcess bundle : bundles) {
            bundle.metrics().forEach((k, v) -> total.merge(k, v,
                    k.split(":")[0].endsWith("_max") ? Math::max : Double::sum));
        }
        return total;
    }

    /** CPU of all the bundles since the first request. */
    double cpuSeconds() {
        return sum(MeasuredProcess::cpuSeconds);
    }

    /** The most heap any bundle keeps after a full collection, in MB. */
    double heapLiveAfterGcMb() {
        return round(highest(Probe::heapLiveAfterGc) / 1048576.0);
    }

    /**
     * Heap and threads (the highest JVM's: their targets are per JVM), CPU from the first request (summed: the
     * fleet's cost), and with several instances each one's figures with its deliveries, status checks and claims
     * (from its own /observe/metrics) and its throughput in deliveries per second of {@code wallS}.
     */
    Map<String, Object> figures(int jobs, double wallS) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        double cpu = cpuSeconds();
        double compilerCpu = sum(MeasuredProcess::compilerCpuSeconds);
        result.put("heap_peak_mb", round(highest(probe -> probe.heapPeak) / 1048576.0));
        result.put("threads_peak", (int) highest(probe -> probe.threadsPeak));
        result.put("cpu_s_per_1000_jobs", round(cpu / jobs * 1000));
        result.put("cpu_s_startup", round(sum(MeasuredProcess::startupCpuSeconds)));
        // the JIT compiler's threads are part of the process CPU: in a short run its warm-up weighs on every job
        result.put("jit_compile_s", round(sum(MeasuredProcess::compileSeconds)));
        // the compiler's threads' CPU (jit_compile_s is the compilations' elapsed time, waits for a core included),
        // and the CPU per job without it: what a process that has warmed up spends (its compiler then idles)
        result.put("jit_cpu_s", round(compilerCpu));
        result.put("cpu_s_per_1000_jobs_without_jit", round((cpu - compilerCpu) / jobs * 1000));
        if (bundles.size() > 1) {
            List<Map<String, Object>> each = new ArrayList<>();
            for (MeasuredProcess bundle : bundles) {
                each.add(instanceFigures(bundle, jobs, wallS));
            }
            result.put("instances", each);
        }
        return result;
    }

    /** The highest {@code figure} of any bundle's probe (heap, threads: their targets are per JVM). */
    private long highest(ToLongFunction<Probe> figure) {
        return bundles.stream().mapToLong(bundle -> figure.applyAsLong(bundle.probe())).max().orElse(0);
    }

    /** {@code figure} summed over the bundles (CPU: the fleet's cost). */
    private double sum(ToDoubleFunction<MeasuredProcess> figure) {
        return bundles.stream().mapToDouble(figure).sum();
    }

    private static Map<String, Object> instanceFigures(MeasuredProcess bundle, int jobs, double wallS)
            throws Exception {
        Probe probe = bundle.probe();
        Map<String, Double> metrics = bundle.metrics();
        double deliveries = metrics.getOrDefault("imagegen_delivery_delay_seconds_count", 0.0);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("name", bundle.name());
        figures.put("deliveries", (long) deliveries);
        figures.put("delivered_per_s", round(deliveries / Math.max(0.001, wallS)));
        figures.put("status_calls", (long) (double) metrics.getOrDefault("imagegen_status_checks_seconds_count", 0.0));
        figures.put("status_checks_listed",
                (long) (double) metrics.getOrDefault("imagegen_status_checks_listed_total", 0.0));
        figures.put("cpu_s", round(bundle.cpuSeconds()));
        figures.put("cpu_s_per_1000_jobs_of_all", round(bundle.cpuSeconds() / jobs * 1000));
        figures.put("cpu_s_startup", round(bundle.startupCpuSeconds()));
        figures.put("heap_peak_mb", round(probe.heapPeak / 1048576.0));
        figures.put("threads_peak", probe.threadsPeak);
        figures.putAll(Figures.claims(metrics));
        return figures;
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (MeasuredProcess bundle : bundles) {
            try {
                bundle.close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
