package org.imagegen.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One measured JVM: its process and log, its {@link Probe} once it has started, and, for a bundle, the series of its
 * /observe/metrics page. CPU is counted from {@link #markStart} (the first request), the start-up's apart.
 */
final class MeasuredProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String name;
    private final Process process;
    private final Path log;
    /** The bundle's API port (its /observe/metrics), 0 for a process without one. */
    private final int apiPort;
    private Probe probe;
    private long startupCpuNanos;
    private long startupCompileMs;
    private double startupCompilerCpuS;

    private MeasuredProcess(String name, Process process, Path log, int apiPort) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.apiPort = apiPort;
    }

    static MeasuredProcess start(String name, List<String> command, Path log, int apiPort) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new MeasuredProcess(name, process, log, apiPort);
    }

    String name() {
        return name;
    }

    /** Waits for the process to log that it started, then attaches the probe. */
    void awaitStarted(Duration limit) throws Exception {
        awaitLog(log, "started in", limit);
        probe = new Probe(process.pid());
    }

    Probe probe() {
        return probe;
    }

    /** From now on the CPU is the workload's: what the process spent starting is reported on its own. */
    void markStart() {
        probe.sample();
        startupCpuNanos = probe.cpuNanos;
        startupCompileMs = probe.compileMs;
        startupCompilerCpuS = probe.compilerCpuSeconds();
    }

    double cpuSeconds() {
        return (probe.cpuNanos - startupCpuNanos) / 1e9;
    }

    double startupCpuSeconds() {
        return startupCpuNanos / 1e9;
    }

    /** CPU of the JIT compiler's threads from the first request (part of {@link #cpuSeconds}). */
    double compilerCpuSeconds() {
        return probe.compilerCpuSeconds() - startupCompilerCpuS;
    }

    double compileSeconds() {
        return (probe.compileMs - startupCompileMs) / 1000.0;
    }

    /**
     * The bundle's series by name, each summed over its labels, and each labelled sample also as
     * {@code name:labels} (e.g. {@code imagegen_claim_seconds_count:found="none"}); empty for a process without the
     * page.
     */
    Map<String, Double> metrics() throws IOException, InterruptedException {
        Map<String, Double> series = new HashMap<>();
        if (apiPort == 0) {
            return series;
        }
        HttpResponse<String> page;
        try {
            page = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/observe/metrics"))
                    .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // a page that does not come on a crowded machine costs its figures, not the run's others
            System.err.println(name + ": no metrics page (" + e + "); its series are left out");
            return series;
        }
        for (String line : page.body().split("\n")) {
            int space = line.lastIndexOf(' ');
            if (line.startsWith("#") || space < 0) {
                continue;
            }
            int labels = line.indexOf('{');
            int labelsEnd = line.lastIndexOf('}', space);
            String key = line.substring(0, labels < 0 || labels > space ? space : labels);
            double value;
            try {
                value = Double.parseDouble(line.substring(space + 1));
            } catch (NumberFormatException e) {
                continue; // not a sample line (a timestamp after the value is not written by Micrometer)
            }
            series.merge(key, value, Double::sum);
            if (labels > 0 && labelsEnd > labels) {
                series.put(key + ":" + line.substring(labels + 1, labelsEnd).replaceAll(",$", ""), value);
            }
        }
        return series;
    }

    /**
     * Whether the bundle's store holds the job (its HTTP API answers for the id, with the token {@link Fleet} gives
     * every bundle); false for a process without the API.
     */
    boolean holds(String id) throws IOException, InterruptedException {
        if (apiPort == 0) {
            return false;
        }
        HttpResponse<Void> answer = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + apiPort + "/api/generations/" + id))
                .header("Authorization", "Bearer " + Fleet.API_TOKEN).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.discarding());
        return answer.statusCode() == 200;
    }

    static void awaitLog(Path log, String text, Duration limit) throws Exception {
        long deadline = System.currentTimeMillis() + limit.toMillis();
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(text)) {
                return;
            }
            Thread.sleep(100); // polling a log file written by another process
        }
        throw new IllegalStateException("the process did not log '" + text + "' within " + limit + "; see " + log);
    }

    /** Stops the process gracefully (SIGTERM) and waits for it: an H2 store is closed cleanly. */
    @Override
    public void close() throws Exception {
        try {
            if (probe != null) {
                probe.close();
            }
        } finally {
            process.destroy();
            process.waitFor();
        }
    }
}
