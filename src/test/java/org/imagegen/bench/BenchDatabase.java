package org.imagegen.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The job store of one measured run: H2 in the bundle's data folder (the default), or, with {@code bench.db=postgres},
 * a database made for the run on the server at {@code bench.postgres} and dropped after it. After the run it shows
 * the plan of the status loop's claim over the rows the run left.
 */
final class BenchDatabase implements AutoCloseable {

    /** As org.imagegen.job.JobClaims orders a claim: deliveries, then checks, then submissions. */
    /**
     * The claim's search for one rank's due rows, as org.imagegen.job.JobClaims writes it (imagegen.loop.batch rows
     * at most; a claim searches rank 0, 1, then 2 until its batch is full).
     */
    private static final String DUE = "SELECT job_key FROM job WHERE claim_rank = %d AND next_check_at <= %d "
            + "AND (lease_until IS NULL OR lease_until < %d) ORDER BY claim_rank, next_check_at LIMIT %d";
    private static final int RANKS = 3;

    private final BenchSettings settings;
    /** PostgreSQL: the database made for the run; null for H2. */
    private final String database;

    private BenchDatabase(BenchSettings settings, String database) {
        this.settings = settings;
        this.database = database;
    }

    /** A store for the run named {@code label}: a fresh PostgreSQL database, or nothing to do for H2. */
    static BenchDatabase create(BenchSettings settings, String label) throws SQLException {
        if (!settings.db().equals("postgres")) {
            return new BenchDatabase(settings, null);
        }
        String name = "bench_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")) + "_"
                + label;
        try (Connection c = DriverManager.getConnection(settings.postgres(), settings.postgresUser(), "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return new BenchDatabase(settings, name);
    }

    boolean postgres() {
        return database != null;
    }

    /** The bundle's options for this store: none for H2 (its file lives in the data folder). */
    List<String> bundleOptions() {
        if (database == null) {
            return List.of();
        }
        return List.of("-Dimagegen.db.url=" + url(), "-Dimagegen.db.user=" + settings.postgresUser(),
                "-Dimagegen.db.password=");
    }

    private String url() {
        String server = settings.postgres();
        int query = server.indexOf('?');
        String base = query < 0 ? server : server.substring(0, query);
        return base.substring(0, base.lastIndexOf('/') + 1) + database + (query < 0 ? "" : server.substring(query));
    }

    /**
     * The plan of the claim's search for due rows over what the run left ({@code EXPLAIN ANALYZE}), rank by rank, and
     * whether each reads the index on (claim_rank, next_check_at) (job_claim). On PostgreSQL the claim itself is
     * explained (the UPDATE with FOR UPDATE SKIP LOCKED that JobClaims sends there) in a transaction rolled back. Run
     * after the bundle stopped: H2's file is the bundle's while it runs.
     */
    Map<String, Object> explainClaim(Path h2Data, int batch) throws SQLException {
        long now = System.currentTimeMillis();
        String url = database == null ? "jdbc:h2:file:" + h2Data.resolve("jobstore") : url();
        String user = database == null ? "sa" : settings.postgresUser();
        Map<String, Object> result = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(url, user, "");
             Statement s = c.createStatement()) {
            result.put("rows", count(s, "SELECT COUNT(*) FROM job"));
            result.put("rows_due", count(s, "SELECT COUNT(*) FROM job WHERE next_check_at <= " + now));
            c.setAutoCommit(false);
            boolean usesIndex = true;
            List<Map<String, Object>> ranks = new ArrayList<>();
            for (int rank = 0; rank < RANKS; rank++) {
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("rank", rank);
                figures.put("rows_due", count(s, "SELECT COUNT(*) FROM job WHERE claim_rank = " + rank
                        + " AND next_check_at <= " + now));
                String due = String.format(Locale.ROOT, DUE, rank, now, now, batch);
                String statement = database == null ? "EXPLAIN ANALYZE " + due
                        : "EXPLAIN (ANALYZE, BUFFERS) UPDATE job SET lease_owner = 'bench-explain', lease_until = "
                        + now + " WHERE job_key IN (" + due + " FOR UPDATE SKIP LOCKED)";
                List<String> plan = new ArrayList<>();
                long started = System.nanoTime();
                try (ResultSet rs = s.executeQuery(statement)) {
                    while (rs.next()) {
                        plan.add(rs.getString(1));
                    }
                } finally {
                    c.rollback();
                }
                figures.put("explain_analyze_ms", Math.round((System.nanoTime() - started) / 1e4) / 100.0);
                usesIndex &= String.join("\n", plan).toLowerCase(Locale.ROOT).contains("job_claim");
                figures.put("plan", plan);
                ranks.add(figures);
            }
            result.put("uses_claim_index", usesIndex);
            result.put("ranks", ranks);
        }
        return result;
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        if (database == null) {
            return;
        }
        try (Connection c = DriverManager.getConnection(settings.postgres(), settings.postgresUser(), "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }
}
