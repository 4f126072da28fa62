package org.imagegen.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.imagegen.support.Durations;

/**
 * The benchmark's knobs (system properties {@code bench.*}; an empty value means the workload's default):
 * <ul>
 * <li>{@code bench.workload}: {@code throughput} (default: every job delivered, the naive baseline beside it) or
 * {@code waiting} (many long generations accepted, then the bundle watched while they wait);</li>
 * <li>{@code bench.jobs}, {@code bench.files}, {@code bench.min}, {@code bench.max} (simulated durations, uniform),
 * {@code bench.interval} (the latency bound X), {@code bench.observe} (waiting: how long after the last accept);</li>
 * <li>{@code bench.baseline}, {@code bench.baseline.jobs}, {@code bench.queue} (also the ingest from JMS);</li>
 * <li>{@code bench.heap}, {@code bench.jvm} (the measured JVMs' -Xmx and extra options);</li>
 * <li>{@code bench.db} ({@code h2} or {@code postgres}: a database created for each measured run at
 * {@code bench.postgres}, dropped after it), {@code bench.instances} (bundles sharing the store; postgres only).</li>
 * </ul>
 */
record BenchSettings(String workload, Workload work, Duration min, Duration max, Duration interval, Duration observe,
                     boolean baseline, int baselineJobs, boolean queue, String heap, List<String> jvm, String db,
                     int instances, String postgres, String postgresUser, Path root) {

    static final String THROUGHPUT = "throughput";
    static final String WAITING = "waiting";

    static BenchSettings fromSystemProperties() {
        String workload = text("bench.workload", THROUGHPUT);
        boolean waiting = switch (workload) {
            case THROUGHPUT -> false;
            case WAITING -> true;
            default -> throw new IllegalArgumentException("bench.workload: '" + workload + "' is neither "
                    + THROUGHPUT + " nor " + WAITING);
        };
        int jobs = Integer.parseInt(text("bench.jobs", waiting ? "100000" : "10000"));
        String db = text("bench.db", "h2");
        if (!db.equals("h2") && !db.equals("postgres")) {
            throw new IllegalArgumentException("bench.db: '" + db + "' is neither h2 nor postgres");
        }
        int instances = Integer.parseInt(text("bench.instances", "1"));
        if (instances > 1 && !db.equals("postgres")) {
            throw new IllegalArgumentException("bench.instances=" + instances + " needs bench.db=postgres: "
                    + "instances share their job store only there");
        }
        String extra = text("bench.jvm", "");
        // the baseline and the JMS ingest belong to the throughput workload; the JMS ingest to one instance (the
        // embedded brokers of several are not one queue)
        return new BenchSettings(workload, new Workload(jobs, Integer.parseInt(text("bench.files", "100"))),
                duration("bench.min", waiting ? "10m" : "5s"), duration("bench.max", waiting ? "30m" : "60s"),
                duration("bench.interval", "2s"), duration("bench.observe", "5m"),
                !waiting && Boolean.parseBoolean(text("bench.baseline", "true")),
                Integer.parseInt(text("bench.baseline.jobs", String.valueOf(jobs))),
                !waiting && instances == 1 && Boolean.parseBoolean(text("bench.queue", "true")),
                text("bench.heap", "512m"), extra.isEmpty() ? List.of() : List.of(extra.split("\\s+")), db, instances,
                text("bench.postgres", "jdbc:postgresql://127.0.0.1:5432/test"), text("bench.postgres.user", "postgres"),
                Path.of("target", "bench").toAbsolutePath());
    }

    boolean waiting() {
        return workload.equals(WAITING);
    }

    int jobs() {
        return work.count();
    }

    private static String text(String key, String fallback) {
        String value = System.getProperty(key, "").strip();
        return value.isEmpty() ? fallback : value;
    }

    private static Duration duration(String key, String fallback) {
        try {
            return Durations.parse(text(key, fallback));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }
}
