package org.imagegen.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

import javax.sql.DataSource;

import org.h2.tools.TriggerAdapter;

/**
 * Writes of the job store that fail, made by the database itself: a trigger on the job table (H2: {@link H2Trigger};
 * PostgreSQL: PL/pgSQL) refuses the next N updates that write one job with one state, as a database that went away
 * at that moment would. The bundle sees the error its JDBC driver gives, through its own code; nothing in the bundle
 * is replaced. The count lives in a sequence, which a refused (rolled back) write does not roll back.
 */
public final class StoreFaults {

    private final DataSource dataSource;

    private StoreFaults(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Installs the trigger (nothing fails until {@link #failWrites} says so). */
    public static StoreFaults install(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            boolean postgres = c.getMetaData().getDatabaseProductName().toUpperCase(Locale.ROOT).contains("POSTGRES");
            s.execute("CREATE TABLE test_store_fault (job_key VARCHAR(128), state VARCHAR(24), failures INT)");
            s.execute("CREATE SEQUENCE test_store_fault_seq");
            if (postgres) {
                s.execute("CREATE FUNCTION test_store_fault() RETURNS trigger AS $$ DECLARE f INT; BEGIN "
                        + "SELECT failures INTO f FROM test_store_fault WHERE job_key = NEW.job_key AND state = NEW.state; "
                        + "IF f IS NOT NULL AND nextval('test_store_fault_seq') <= f THEN "
                        + "RAISE EXCEPTION 'injected: the job store failed to write % as %', NEW.job_key, NEW.state; "
                        + "END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
                s.execute("CREATE TRIGGER test_store_fault BEFORE UPDATE ON job FOR EACH ROW "
                        + "EXECUTE FUNCTION test_store_fault()");
            } else {
                s.execute("CREATE TRIGGER test_store_fault BEFORE UPDATE ON job FOR EACH ROW CALL '"
                        + H2Trigger.class.getName() + "'");
            }
        }
        return new StoreFaults(dataSource);
    }

    /** The next {@code count} writes of job {@code key} with state {@code state} fail. */
    public void failWrites(String key, String state, int count) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM test_store_fault");
            s.execute("ALTER SEQUENCE test_store_fault_seq RESTART WITH 1");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO test_store_fault VALUES (?, ?, ?)")) {
                insert.setString(1, key);
                insert.setString(2, state);
                insert.setInt(3, count);
                insert.executeUpdate();
            }
        }
    }

    /** How many matching writes were tried so far (failed or not). */
    public long writesTried() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM test_store_fault")) {
            rs.next();
            if (rs.getLong(1) == 0) {
                return 0;
            }
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            boolean postgres = c.getMetaData().getDatabaseProductName().toUpperCase(Locale.ROOT).contains("POSTGRES");
            try (ResultSet rs = s.executeQuery(postgres
                    ? "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM test_store_fault_seq"
                    : "SELECT BASE_VALUE - 1 FROM INFORMATION_SCHEMA.SEQUENCES WHERE SEQUENCE_NAME = 'TEST_STORE_FAULT_SEQ'")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The H2 side of the trigger. */
    public static final class H2Trigger extends TriggerAdapter {

        @Override
        public void fire(Connection conn, ResultSet oldRow, ResultSet newRow) throws SQLException {
            Integer failures = null;
            try (PreparedStatement select = conn.prepareStatement(
                    "SELECT failures FROM test_store_fault WHERE job_key = ? AND state = ?")) {
                select.setString(1, newRow.getString("JOB_KEY"));
                select.setString(2, newRow.getString("STATE"));
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        failures = rs.getInt(1);
                    }
                }
            }
            if (failures == null) {
                return;
            }
            long n;
            try (Statement s = conn.createStatement();
                 ResultSet rs = s.executeQuery("VALUES NEXT VALUE FOR test_store_fault_seq")) {
                rs.next();
                n = rs.getLong(1);
            }
            if (n <= failures) {
                throw new SQLException("injected: the job store failed to write " + newRow.getString("JOB_KEY")
                        + " as " + newRow.getString("STATE"));
            }
        }
    }
}
