package org.imagegen.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.ProviderSimulator.GenerationStats;

/** The summary's figures: what the simulator and the outbox say of the jobs, the claims' timer, targets, rounding. */
final class Figures {

    private Figures() {
    }

    /**
     * Delivered, lost and paid twice, status checks per job against the fewest that see each job within X of its end
     * (knowing the shortest duration), and the delays from each simulated completion to its delivery ({@code
     * manifest.json}, or for the baseline its last image file).
     */
    static Map<String, Object> deliveries(List<String> ids, AllImagesSimulator simulator, Path outbox,
                                          boolean manifests, Duration min, Duration interval) throws IOException {
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
            minimum += minimumChecks(stats.durationMs(), min, interval);
            Path done = manifests ? outbox.resolve(id).resolve("manifest.json") : outbox.resolve(id).resolve("3.jpg");
            if (Files.exists(done)) {
                delivered++;
                delays.add((Files.getLastModifiedTime(done).toMillis() - stats.completesAt()) / 1000.0);
            }
        }
        delays.sort(Comparator.naturalOrder());
        int count = ids.size();
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
    private static long minimumChecks(long durationMs, Duration min, Duration interval) {
        long x = interval.toMillis();
        return 1 + (long) Math.ceil(Math.max(0, durationMs - min.toMillis() - x) / (double) x);
    }

    /** Creates the simulator received beyond the first per request: generations paid twice. */
    static int duplicateCreates(List<String> ids, AllImagesSimulator simulator) {
        int duplicates = 0;
        for (String id : ids) {
            duplicates += Math.max(0, simulator.createsFor(id) - 1);
        }
        return duplicates;
    }

    /**
     * imagegen_claim_seconds read from /observe/metrics, as it stands: the claims that found no due job (the search
     * alone) and those that took some, each with its count, its mean and its recent max in ms.
     */
    static Map<String, Object> claims(Map<String, Double> metrics) {
        return claims(metrics, Map.of());
    }

    /** The same for the claims made between two readings of the page, {@code before} and {@code after}. */
    static Map<String, Object> claims(Map<String, Double> after, Map<String, Double> before) {
        Map<String, Object> claims = new LinkedHashMap<>();
        for (String found : List.of("none", "some")) {
            String label = ":found=\"" + found + "\"";
            String name = found.equals("none") ? "claim_empty" : "claim_found";
            double count = delta(after, before, "imagegen_claim_seconds_count" + label);
            double sum = delta(after, before, "imagegen_claim_seconds_sum" + label);
            claims.put(name + "_count", (long) count);
            claims.put(name + "_mean_ms", count == 0 ? null : round(sum / count * 1000));
            claims.put(name + "_max_recent_ms",
                    round(after.getOrDefault("imagegen_claim_seconds_max" + label, 0.0) * 1000));
        }
        return claims;
    }

    private static double delta(Map<String, Double> after, Map<String, Double> before, String key) {
        return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
    }

    /** A target, the figure reached, and whether it is met ({@code atMost}: the figure must not exceed the target). */
    static Map<String, Object> target(double target, Object actual, boolean atMost) {
        double value = actual instanceof Number n ? n.doubleValue() : Double.NaN;
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("target", (atMost ? "<= " : ">= ") + target);
        t.put("actual", actual);
        t.put("met", atMost ? value <= target : value >= target);
        return t;
    }

    static Object ratio(Object a, Object b) {
        if (!(a instanceof Number x) || !(b instanceof Number y) || y.doubleValue() == 0) {
            return null;
        }
        return round(x.doubleValue() / y.doubleValue());
    }

    static Double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return null;
        }
        return round(sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)));
    }

    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
