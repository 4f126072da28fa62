package org.imagegen.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.h2.jdbcx.JdbcDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before the bundle opens its H2 job store, that every index of every table holds one entry per row, and
 * rebuilds the store from its rows when one does not.
 * <p>
 * Why: a process killed while H2 was writing can leave a row in its table but missing from an index (the crash harness
 * once found a job present in the table and in the due-time index, yet absent from the primary key's index). The
 * claim found that job through the due index on every tick, its {@code UPDATE … WHERE job_key IN (…)} went through
 * the primary key and changed nothing, and the job was never worked on again, without any error. H2 cannot rebuild an
 * index in place (and a primary key that other tables reference cannot be dropped), so the repair is H2's own way out
 * of a damaged file: the store is written out as SQL from its tables' rows ({@code SCRIPT}), the damaged file is moved
 * aside (kept, for whoever wants to look at it), and a new file is built from that script ({@code RUNSCRIPT}), every
 * index made anew. The check reads each index once: about 4 s at start for a store of 100,000 jobs on two cores. The
 * repair, which only a damaged store needs, writes the whole store out and reads it back once.
 */
public final class H2IndexRepair {

    private static final Logger LOG = LoggerFactory.getLogger(H2IndexRepair.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /** An index whose entries do not match its table's rows. */
    public record Mismatch(String table, String index, long rows, long entries) {
        @Override
        public String toString() {
            return "index " + index + " of table " + table + " holds " + entries + " entries for " + rows + " rows";
        }
    }

    private final String url;
    private final String user;
    private final String password;

    /** {@code url}: a {@code jdbc:h2:file:} URL, as the job store's pool opens it. */
    public H2IndexRepair(String url, String user, String password) {
        if (!url.startsWith("jdbc:h2:file:")) {
            throw new IllegalArgumentException("not an H2 file store: " + url);
        }
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** The URL's path, by which H2 knows the database (its settings left out). */
    public String databasePath() {
        return url.substring("jdbc:h2:file:".length()).split(";")[0];
    }

    /** The store's file (H2 adds {@code .mv.db} to the URL's path). */
    Path file() {
        return Path.of(databasePath() + ".mv.db");
    }

    /**
     * Checks the store and, if an index does not match its rows, rebuilds it. Returns what was rebuilt for (empty:
     * the store was sound, or there is no store yet, and nothing was changed).
     * <p>
     * A mismatch seen at the first opening after a kill is looked at once more, the database opened again: H2 can
     * show one at that first opening that is gone at the next (what the killed process left is settled as the file is
     * opened). Only one that is still there is rebuilt for.
     */
    public List<Mismatch> checkAndRepair() {
        if (!Files.exists(file())) {
            return List.of(); // a new store: Flyway creates it
        }
        try {
            long started = System.nanoTime();
            List<Mismatch> found = check();
            if (!found.isEmpty()) {
                LOG.info("job store {}: {} at its first opening; looking again", file(), found);
                found = check();
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (found.isEmpty()) {
                LOG.info("job store {}: every index matches its table's rows (checked in {} ms)", file(), ms);
                return found;
            }
            for (Mismatch mismatch : found) {
                LOG.warn("job store {}: {} (as an abrupt stop can leave it): rebuilding the store from its rows",
                        file(), mismatch);
            }
            Path kept = rebuild();
            List<Mismatch> after = check();
            if (!after.isEmpty()) {
                throw new JobStoreException("the job store " + file() + " still does not match its indexes after "
                        + "its rebuild: " + after + "; the damaged file is kept at " + kept, null);
            }
            LOG.warn("job store {}: rebuilt from its rows, every index matches them now; the damaged file is kept at {}",
                    file(), kept);
            return found;
        } catch (SQLException | IOException e) {
            throw new JobStoreException("cannot check the job store " + file() + " against its indexes", e);
        }
    }

    /** Every index of the store's tables whose entries do not count its table's rows; changes nothing. */
    public List<Mismatch> check() throws SQLException {
        List<Mismatch> found = new ArrayList<>();
        try (Connection c = connect()) {
            Map<String, Map<String, List<IndexColumn>>> indexes = indexes(c);
            for (Map.Entry<String, Map<String, List<IndexColumn>>> table : indexes.entrySet()) {
                long rows = count(c, "SELECT COUNT(*) FROM " + quote(table.getKey()) + " USE INDEX ()");
                for (Map.Entry<String, List<IndexColumn>> index : table.getValue().entrySet()) {
                    long entries = entries(c, table.getKey(), index.getKey(), index.getValue());
                    if (entries != rows) {
                        found.add(new Mismatch(table.getKey(), index.getKey(), rows, entries));
                    }
                }
            }
        }
        return found;
    }

    /**
     * The entries of one index: its columns read through it alone, in its order (H2's plan says "index sorted"; a
     * COUNT(*) on its own would be answered from the table's row count). An index that cannot be read through (an
     * entry without its row) counts as holding none.
     */
    private static long entries(Connection c, String table, String index, List<IndexColumn> columns) {
        String names = String.join(", ", columns.stream().map(column -> quote(column.name())).toList());
        String order = String.join(", ", columns.stream()
                .map(column -> quote(column.name()) + (column.descending() ? " DESC" : "")).toList());
        try {
            return count(c, "SELECT COUNT(*) FROM (SELECT " + names + " FROM " + quote(table) + " USE INDEX ("
                    + quote(index) + ") ORDER BY " + order + ")");
        } catch (SQLException e) {
            LOG.warn("cannot read index {} of table {}: {}", index, table, e.getMessage());
            return -1;
        }
    }

    /** One column of an index, in the index's order. */
    private record IndexColumn(String name, boolean descending) {
    }

    /** Table → index → its columns, for the tables of the store's own schema. */
    private static Map<String, Map<String, List<IndexColumn>>> indexes(Connection c) throws SQLException {
        Map<String, Map<String, List<IndexColumn>>> tables = new LinkedHashMap<>();
        try (PreparedStatement select = c.prepareStatement("SELECT i.TABLE_NAME, i.INDEX_NAME, i.COLUMN_NAME, "
                + "i.ORDERING_SPECIFICATION FROM INFORMATION_SCHEMA.INDEX_COLUMNS i "
                + "JOIN INFORMATION_SCHEMA.TABLES t ON t.TABLE_SCHEMA = i.TABLE_SCHEMA AND t.TABLE_NAME = i.TABLE_NAME "
                + "WHERE i.TABLE_SCHEMA = CURRENT_SCHEMA AND t.TABLE_TYPE = 'BASE TABLE' "
                + "ORDER BY i.TABLE_NAME, i.INDEX_NAME, i.ORDINAL_POSITION");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                IndexColumn column = new IndexColumn(rs.getString(3), "DESC".equals(rs.getString(4)));
                tables.computeIfAbsent(rs.getString(1), t -> new LinkedHashMap<>())
                        .computeIfAbsent(rs.getString(2), i -> new ArrayList<>()).add(column);
            }
        }
        return tables;
    }

    /** Writes the store out as SQL, moves its file aside and builds a new one from the script. Returns the kept file. */
    private Path rebuild() throws SQLException, IOException {
        Path file = file();
        String stamp = LocalDateTime.now().format(STAMP);
        Path script = file.resolveSibling(file.getFileName() + ".rebuild-" + stamp + ".sql.gz");
        Path kept = file.resolveSibling(file.getFileName().toString().replace(".mv.db", "-damaged-" + stamp + ".mv.db"));
        LOG.info("job store {}: writing its rows out to {}", file, script);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SCRIPT TO " + literal(script) + " COMPRESSION GZIP");
            s.execute("SHUTDOWN");
        }
        Files.move(file, kept);
        LOG.info("job store {}: building it anew from {}", file, script);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("RUNSCRIPT FROM " + literal(script) + " COMPRESSION GZIP");
        }
        Files.delete(script);
        return kept;
    }

    private Connection connect() throws SQLException {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        h2.setUser(user);
        h2.setPassword(password);
        return h2.getConnection();
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static String literal(Path path) {
        return "'" + path.toAbsolutePath().toString().replace("'", "''") + "'";
    }
}
