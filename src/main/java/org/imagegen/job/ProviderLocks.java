package org.imagegen.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;

import javax.sql.DataSource;

import org.imagegen.support.NullableColumns;
import org.imagegen.support.Parameters;

/**
 * One row per provider in {@code provider_lock}, locked (SELECT ... FOR UPDATE) in the transaction of a create's
 * SUBMITTING write while the create is weighed against the provider's budgets and limits: two instances sharing the
 * job store then weigh their creates one after the other, each reading what the other committed. The row also holds
 * a pause the provider asked for (a 429 with Retry-After), so that every instance respects it. Plain JDBC.
 */
public final class ProviderLocks {

    private static final String UNIQUE_VIOLATION = "23505";

    private ProviderLocks() {
    }

    /** The lock rows of {@code providers} (another instance may be adding the same ones). */
    public static void create(DataSource dataSource, Collection<String> providers) {
        try (Connection c = dataSource.getConnection()) {
            for (String provider : providers) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO provider_lock (provider) SELECT ? "
                        + "WHERE NOT EXISTS (SELECT 1 FROM provider_lock WHERE provider = ?)")) {
                    insert.setString(1, provider);
                    insert.setString(2, provider);
                    insert.executeUpdate();
                } catch (SQLException e) {
                    if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the providers' lock rows in the job store", e);
        }
    }

    /**
     * Locks {@code provider}'s row until {@code c}'s transaction ends (taking it twice in one is harmless); returns
     * until when the provider asked every caller to wait (null: it did not).
     */
    public static Long lock(Connection c, String provider) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement(
                "SELECT paused_until FROM provider_lock WHERE provider = ? FOR UPDATE")) {
            lock.setString(1, provider);
            try (ResultSet rs = lock.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no provider_lock row for " + provider);
                }
                return NullableColumns.getLong(rs, 1);
            }
        }
    }

    /** {@code provider} asked every caller to wait until {@code until} (a 429's Retry-After): kept if later. */
    public static void pause(DataSource dataSource, String provider, long until) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement pause = c.prepareStatement("UPDATE provider_lock SET paused_until = ? "
                     + "WHERE provider = ? AND (paused_until IS NULL OR paused_until < ?)")) {
            Parameters.bind(pause, until, provider, until).executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record " + provider + "'s pause in the job store", e);
        }
    }
}
