package org.imagegen.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.management.OperatingSystemMXBean;
import com.sun.tools.attach.VirtualMachine;
import jakarta.jms.JMSContext;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.ProviderSimulator.GenerationStats;
import org.imagegen.simulator.SimulatorSettings;
import org.imagegen.support.Durations;
import org.imagegen.support.FreePorts;

/**
 * {@code mvn -q -Pbench verify}: runs the packaged bundle, then the naive baseline route, each in its own JVM,
 * on the same workload against an all-images simulator in this JVM, and prints one JSON summary (also written to
 * target/bench/summary.json). Knobs (system properties): bench.jobs, bench.files, bench.min, bench.max,
 * bench.interval (the latency bound X), bench.baseline (true/false), bench.baseline.jobs, bench.heap, bench.queue
 * (true/false: also measure the ingest rate from the JMS queue).
 */
public final class Benchmark {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final int jobs = Integer.getInteger("bench.jobs", 10_000);
    private final int files = Integer.getInteger("bench.files", 100);
    private final Duration min = Durations.parse(System.getProperty("bench.min", "5s"));
    private final Duration max = Durations.parse(System.getProperty("bench.max", "60s"));
    private final Duration interval = Durations.parse(System.getProperty("bench.interval", "2s"));
    private final String heap = System.getProperty("bench.heap", "512m");
    private final Path root = Path.of("target", "bench").toAbsolutePath();
    /** CPU of the queue-ingest bundle from the first message sent until every request was accepted (or the limit). */
    private double cpuPerThousandQueued;

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        new Benchmark().run();
        System.exit(0);
    }

    private void run() throws Exception {
        Files.createDirectories(root);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("workload", Map.of("requests", jobs, "files", files, "duration_min_s", min.toSeconds(),
                "duration_max_s", max.toSeconds(), "latency_bound_x_s", interval.toMillis() / 1000.0,
                "provider", "all-images (simulated)"));
        Map<String, Object> bundle = runBundle();
        if (Boolean.parseBoolean(System.getProperty("bench.queue", "true"))) {
            bundle.put("ingest_jms_per_s", measureQueueIngest());
            bundle.put("ingest_jms_cpu_s_per_1000", cpuPerThousandQueued);
            bundle.put("ingest_jms_measured_as", "requests accepted into the job store per second, sent as "
                    + files + " JMS messages to the embedded broker");
        }
        summary.putAll(bundle);
        if (Boolean.parseBoolean(System.getProperty("bench.baseline", "true"))) {
            int baselineJobs = Integer.getInteger("bench.baseline.jobs", jobs);
            Map<String, Object> baseline = runBaseline(baselineJobs);
            summary.put("baseline", baseline);
            Map<String, Object> ratios = new LinkedHashMap<>();
            for (String key : List.of("checks_per_job_mean", "threads_peak", "heap_peak_mb", "delivery_delay_p99_s",
                    "cpu_s_per_1000_jobs")) {
                ratios.put(key + "_bundle_over_baseline", ratio(bundle.get(key), baseline.get(key)));
            }
            summary.put("ratios", ratios);
        }
        double x = interval.toMillis() / 1000.0;
        double minChecks = ((Number) bundle.get("checks_per_job_min_theoretical")).doubleValue();
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("all_delivered", target(0, bundle.get("lost"), true));
        targets.put("in_flight_peak", target(10_000, bundle.get("in_flight_peak"), false));
        targets.put("heap_peak_mb", target(512, bundle.get("heap_peak_mb"), true));
        targets.put("threads_peak", target(100, bundle.get("threads_peak"), true));
        targets.put("checks_per_job_mean", target(round(1.25 * minChecks), bundle.get("checks_per_job_mean"), true));
        targets.put("delivery_delay_p99_s", target(x + 0.5, bundle.get("delivery_delay_p99_s"), true));
        targets.put("ingest_per_s", target(500, bundle.get("ingest_per_s"), false));
        if (bundle.containsKey("ingest_jms_per_s")) {
            targets.put("ingest_jms_per_s", target(500, bundle.get("ingest_jms_per_s"), false));
        }
        summary.put("targets", targets);
        String json = JSON.writeValueAsString(summary);
        Files.writeString(root.resolve("summary.json"), json);
        System.out.println(json);
    }

    /** A target, the figure reached, and whether it is met ({@code atMost}: the figure must not exceed the target). */
    private static Map<String, Object> target(double target, Object actual, boolean atMost) {
        double value = actual instanceof Number n ? n.doubleValue() : Double.NaN;
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("target", (atMost ? "<= " : ">= ") + target);
        t.put("actual", actual);
        t.put("met", atMost ? value <= target : value >= target);
        return t;
    }

    private static Object ratio(Object a, Object b) {
        if (!(a instanceof Number x) || !(b instanceof Number y) || y.doubleValue() == 0) {
            return null;
        }
        return round(x.doubleValue() / y.doubleValue());
    }

    private Map<String, Object> runBundle() throws Exception {
        Path dir = clean(root.resolve("bundle"));
        try (AllImagesSimulator simulator = simulator()) {
            List<String> command = bundleCommand(dir, simulator, "-Dimagegen.jms.port=0");
            return measure("bundle", command, dir, simulator, jobs, dir.resolve("inbox"), dir.resolve("outbox"), true);
        }
    }

    /**
     * The same workload sent as JMS messages (one JSON Lines batch per message, as many messages as files) to the
     * bundle's embedded broker; the figure is requests accepted into the job store per second, read over JMX
     * (org.imagegen:type=Jobs). A message is acknowledged only after its jobs are recorded, so this is the rate at
     * which the queue can be drained. The pipeline runs meanwhile, as it does while files are read.
     */
    private double measureQueueIngest() throws Exception {
        Path dir = clean(root.resolve("queue"));
        int port = FreePorts.loopback();
        try (AllImagesSimulator simulator = simulator()) {
            Process process = new ProcessBuilder(bundleCommand(dir, simulator, "-Dimagegen.jms.port=" + port))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("queue.log").toFile()).start();
            try {
                awaitLog(dir.resolve("queue.log"), "started in", Duration.ofSeconds(60));
                try (Probe probe = new Probe(process.pid());
                     ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port);
                     JMSContext jms = factory.createContext()) {
                    probe.sample();
                    long cpuBefore = probe.cpuNanos;
                    long start = System.currentTimeMillis();
                    for (String batch : batches(jobs)) {
                        jms.createProducer().send(jms.createQueue("imagegen.requests"), batch);
                    }
                    long deadline = start + 600_000;
                    while (probe.acceptedJobs() < jobs && System.currentTimeMillis() < deadline) {
                        Thread.sleep(100); // sampling period of the probe, not a wait for an outcome
                    }
                    long end = System.currentTimeMillis();
                    probe.sample();
                    cpuPerThousandQueued = round((probe.cpuNanos - cpuBefore) / 1e9 / jobs * 1000);
                    return probe.acceptedJobs() < jobs ? 0 : round(jobs * 1000.0 / Math.max(1, end - start));
                }
            } finally {
                process.destroy();
                process.waitFor();
            }
        }
    }

    private List<String> bundleCommand(Path dir, AllImagesSimulator simulator, String jms) {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx" + heap));
        command.addAll(extraJvmArgs());
        command.addAll(List.of("-Dimagegen.inbox=" + dir.resolve("inbox"), "-Dimagegen.outbox=" + dir.resolve("outbox"),
                "-Dimagegen.data=" + dir.resolve("data"), "-Dimagegen.console.enabled=false", "-Dimagegen.api.port=0", jms,
                "-Dimagegen.providers.all-images.base-url=" + simulator.baseUrl(),
                "-Dimagegen.providers.all-images.api-key=bench",
                "-Dimagegen.providers.all-images.rate-limit.per-second=100000",
                "-Dimagegen.providers.all-images.rate-limit.burst=100000",
                "-Dimagegen.poll.initial-delay=" + min.toMillis() + "ms",
                "-Dimagegen.poll.interval=" + interval.toMillis() + "ms",
                "-Dimagegen.poll.queued-interval=" + interval.toMillis() + "ms",
                "-Dimagegen.poll.deadline=" + (max.toMillis() * 10) + "ms",
                "-Dimagegen.loop.batch=1000", "-Dimagegen.loop.queue-size=2000",
                "-Dimagegen.inbox.poll=100ms", "-Dimagegen.inbox.stable=200ms",
                "-jar", Path.of("target", "imagegen-bundle.jar").toAbsolutePath().toString()));
        return command;
    }

    private Map<String, Object> runBaseline(int baselineJobs) throws Exception {
        Path dir = clean(root.resolve("baseline"));
        try (AllImagesSimulator simulator = simulator()) {
            String classpath = String.join(java.io.File.pathSeparator, Path.of("target", "test-classes").toAbsolutePath().toString(),
                    Path.of("target", "classes").toAbsolutePath().toString(),
                    Path.of("target", "lib").toAbsolutePath() + "/*");
            // the main logging configuration (INFO), not the quiet one of the tests: the harness waits for "started in"
            List<String> command = new ArrayList<>(List.of(java(), "-Xmx" + heap, "-cp", classpath,
                    "-Dlogback.configurationFile=" + Path.of("target", "classes", "logback.xml").toAbsolutePath(),
                    "-Dbench.inbox=" + dir.resolve("inbox"), "-Dbench.outbox=" + dir.resolve("outbox"),
                    "-Dbench.base-url=" + simulator.baseUrl(), "-Dbench.api-key=bench",
                    "-Dbench.threads=" + baselineJobs, NaiveLoopApp.class.getName()));
            return measure("baseline", command, dir, simulator, baselineJobs, dir.resolve("inbox"), dir.resolve("outbox"),
                    false);
        }
    }

    /** bench.jvm: extra options for the measured JVMs, e.g. a flight recording. */
    private static List<String> extraJvmArgs() {
        String extra = System.getProperty("bench.jvm", "").strip();
        return extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
    }

    private AllImagesSimulator simulator() {
        return (AllImagesSimulator) new AllImagesSimulator(new SimulatorSettings(0, min, max, 0, 0, 0, 0,
                Duration.ZERO, "bench", 42, 32)).start();
    }

    /** Starts the process, feeds it the workload, samples it until every job is delivered, and sums it up. */
    private Map<String, Object> measure(String name, List<String> command, Path dir, AllImagesSimulator simulator,
                                        int count, Path inbox, Path outbox, boolean manifests) throws Exception {
        Files.createDirectories(inbox);
        Path log = dir.resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitLog(log, "started in", Duration.ofSeconds(60));
            Probe probe = new Probe(process.pid());
            // the CPU the process spent starting (Camel, the broker, the job store's migrations) is not the jobs': it
            // is reported on its own, so that a run of 2,000 requests and one of 10,000 give comparable figures
            probe.sample();
            long startupCpuNanos = probe.cpuNanos;
            long startupCompileMs = probe.compileMs;
            long start = System.currentTimeMillis();
            List<String> ids = feed(inbox, count);
            long ingestEnd = 0;
            int inFlightPeak = 0;
            long deadline = start + max.toMillis() * 3 + 300_000;
            while (simulator.fullyDownloaded() < count && System.currentTimeMillis() < deadline) {
                probe.sample();
                inFlightPeak = Math.max(inFlightPeak, simulator.totalCreates() - simulator.fullyDownloaded());
                if (ingestEnd == 0 && (manifests ? countFiles(inbox.resolve(".done")) >= files
                        : simulator.totalCreates() >= count)) {
                    ingestEnd = System.currentTimeMillis();
                }
                Thread.sleep(250); // sampling period of the probe, not a wait for an outcome
            }
            long end = System.currentTimeMillis();
            probe.sample();
            Map<String, Object> result = summarize(ids, simulator, outbox, manifests, count);
            result.put("in_flight_peak", inFlightPeak);
            result.put("wall_s", round((end - start) / 1000.0));
            result.put("ingest_per_s", ingestEnd == 0 ? 0 : round(count * 1000.0 / Math.max(1, ingestEnd - start)));
            result.put("ingest_measured_as", manifests ? "requests accepted (files moved to .done) per second"
                    : "creates received by the provider per second (the naive route has no accept stage)");
            result.put("heap_peak_mb", round(probe.heapPeak / 1048576.0));
            result.put("threads_peak", probe.threadsPeak);
            result.put("cpu_s_per_1000_jobs", round((probe.cpuNanos - startupCpuNanos) / 1e9 / count * 1000));
            result.put("cpu_s_startup", round(startupCpuNanos / 1e9));
            // the JIT compiler's threads are part of the process CPU: in a short run its warm-up weighs on every job
            result.put("jit_compile_s", round((probe.compileMs - startupCompileMs) / 1000.0));
            probe.close();
            return result;
        } finally {
            process.destroy();
            process.waitFor();
        }
    }

    private Map<String, Object> summarize(List<String> ids, AllImagesSimulator simulator, Path outbox,
                                          boolean manifests, int count) throws IOException {
        long checks = 0;
        int maxChecks = 0;
        long minimum = 0;
        int delivered = 0;
        int duplicates = 0;
        List<Double> delays = new ArrayList<>();
        for (String id : ids) {
            GenerationStats stats = simulator.statsFor(id);
            if (stats == null) {
                continue;
            }
            duplicates += Math.max(0, simulator.createsFor(id) - 1);
            checks += stats.checks();
            maxChecks = Math.max(maxChecks, stats.checks());
            minimum += minimumChecks(stats.durationMs());
            Path done = manifests ? outbox.resolve(id).resolve("manifest.json") : outbox.resolve(id).resolve("3.jpg");
            if (Files.exists(done)) {
                delivered++;
                delays.add((Files.getLastModifiedTime(done).toMillis() - stats.completesAt()) / 1000.0);
            }
        }
        delays.sort(Comparator.naturalOrder());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("requests", count);
        result.put("delivered", delivered);
        result.put("lost", count - delivered);
        result.put("duplicate_creates", duplicates);
        result.put("checks_per_job_mean", round((double) checks / count));
        result.put("checks_per_job_max", maxChecks);
        result.put("checks_per_job_min_theoretical", round((double) minimum / count));
        result.put("delivery_delay_p50_s", percentile(delays, 0.50));
        result.put("delivery_delay_p95_s", percentile(delays, 0.95));
        result.put("delivery_delay_p99_s", percentile(delays, 0.99));
        result.put("delivery_delay_max_s", delays.isEmpty() ? null : round(delays.get(delays.size() - 1)));
        if (duplicates > 0) {
            // the simulator's figures are those of a job's last generation; files may come from an earlier one
            result.put("note", duplicates + " creates were duplicates: checks and delays are not comparable");
        }
        return result;
    }

    /** Knowing the shortest duration D: checks at D + X, D + 2X, ... see every job within X of its end. */
    private long minimumChecks(long durationMs) {
        long x = interval.toMillis();
        return 1 + (long) Math.ceil(Math.max(0, durationMs - min.toMillis() - x) / (double) x);
    }

    private List<String> feed(Path inbox, int count) throws IOException {
        List<String> ids = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            ids.add("bench-" + n);
        }
        Path staging = Files.createDirectories(inbox.getParent().resolve("feed"));
        List<String> batches = batches(count);
        for (int f = 0; f < batches.size(); f++) {
            Path file = staging.resolve("batch-" + f + ".jsonl");
            Files.writeString(file, batches.get(f), StandardCharsets.UTF_8);
            Files.move(file, inbox.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
        return ids;
    }

    /** The workload as {@code bench.files} JSON Lines batches: requests bench-0 … bench-(count - 1). */
    private List<String> batches(int count) {
        List<String> batches = new ArrayList<>(files);
        int perBatch = (int) Math.ceil(count / (double) files);
        for (int f = 0, n = 0; f < files && n < count; f++) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < perBatch && n < count; i++, n++) {
                lines.append("{\"id\": \"bench-").append(n).append("\", \"prompt\": \"benchmark job ").append(n).append("\"}\n");
            }
            batches.add(lines.toString());
        }
        return batches;
    }

    private static Double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return null;
        }
        return round(sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)));
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static int countFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(dir)) {
            return (int) list.count();
        }
    }

    private static void awaitLog(Path log, String text, Duration limit) throws Exception {
        long deadline = System.currentTimeMillis() + limit.toMillis();
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(text)) {
                return;
            }
            Thread.sleep(100); // polling a log file written by another process
        }
        throw new IllegalStateException("the process did not log '" + text + "' within " + limit + "; see " + log);
    }

    private static Path clean(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Heap, threads and CPU of the measured process, read over JMX through the attach API. */
    private static final class Probe implements AutoCloseable {

        private final JMXConnector connector;
        private final MemoryMXBean memory;
        private final ThreadMXBean threads;
        private final OperatingSystemMXBean os;
        private final CompilationMXBean compilation;
        private final MBeanServerConnection server;
        long heapPeak;
        int threadsPeak;
        long cpuNanos;
        /** Time the JIT compiler spent compiling so far (its threads' work, on a busy machine partly waiting). */
        long compileMs;

        Probe(long pid) throws Exception {
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
            String address = vm.startLocalManagementAgent();
            vm.detach();
            connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
            server = connector.getMBeanServerConnection();
            memory = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
            threads = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
            os = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME,
                    OperatingSystemMXBean.class);
            compilation = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.COMPILATION_MXBEAN_NAME,
                    CompilationMXBean.class);
        }

        void sample() {
            heapPeak = Math.max(heapPeak, memory.getHeapMemoryUsage().getUsed());
            threadsPeak = Math.max(threadsPeak, threads.getThreadCount());
            cpuNanos = os.getProcessCpuTime();
            compileMs = compilation.getTotalCompilationTime();
        }

        /** Jobs in the job store, in any state (the bundle's JobOperations MBean). */
        long acceptedJobs() throws Exception {
            long total = 0;
            for (ObjectName name : server.queryNames(new ObjectName("org.imagegen:type=Jobs,*"), null)) {
                for (Object count : ((Map<?, ?>) server.getAttribute(name, "JobsByState")).values()) {
                    total += ((Number) count).longValue();
                }
            }
            return total;
        }

        @Override
        public void close() throws IOException {
            connector.close();
        }
    }

}
