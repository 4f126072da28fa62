package org.imagegen.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.imagegen.job.JobStoreException;
import org.imagegen.support.NullableColumns;
import org.imagegen.support.Parameters;

/**
 * The durable record of each job's delivery to each of its sinks (table {@code job_sink}, migration V3; plain JDBC
 * that runs on H2 and PostgreSQL). It is what lets one sink fail and be retried while the others are done and never
 * written to again, across restarts. Only the instance holding the job's lease writes a job's rows.
 */
public class SinkLedger {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String COLUMNS = "job_key, sink, state, attempts, next_try_at, delivered_at, location, last_error";

    private final DataSource dataSource;

    public SinkLedger(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Adds a PENDING row, due at once, for each sink the job has none for yet; existing rows are kept as they are. */
    public void ensure(String jobKey, List<String> sinks, long now) {
        Set<String> present = of(jobKey).stream().map(SinkRecord::sink).collect(Collectors.toSet());
        for (String sink : sinks) {
            if (present.contains(sink)) {
                continue;
            }
            try (Connection c = dataSource.getConnection();
                 PreparedStatement insert = c.prepareStatement("INSERT INTO job_sink (job_key, sink, state, attempts, "
                         + "next_try_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)")) {
                Parameters.bind(insert, jobKey, sink, SinkState.PENDING, now, now).executeUpdate();
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw new JobStoreException("cannot record sink " + sink + " of job " + jobKey, e);
                }
            }
        }
    }

    /** Every sink row of the job, by sink name. */
    public List<SinkRecord> of(String jobKey) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT " + COLUMNS + " FROM job_sink WHERE job_key = ? ORDER BY sink")) {
            select.setString(1, jobKey);
            List<SinkRecord> records = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    records.add(new SinkRecord(rs.getString(1), rs.getString(2), SinkState.valueOf(rs.getString(3)),
                            rs.getInt(4), NullableColumns.getLong(rs, 5), NullableColumns.getLong(rs, 6),
                            rs.getString(7), rs.getString(8)));
                }
            }
            return records;
        } catch (SQLException e) {
            throw new JobStoreException("cannot read the sinks of job " + jobKey, e);
        }
    }

    public void delivered(String jobKey, String sink, int attempts, String location, long now) {
        update(jobKey, sink, SinkState.DELIVERED, attempts, null, now, location, null, now);
    }

    /** A failed try: PENDING again at {@code nextTryAt}, or FAILED when {@code nextTryAt} is null. */
    public void failed(String jobKey, String sink, int attempts, Long nextTryAt, String location, String error, long now) {
        update(jobKey, sink, nextTryAt == null ? SinkState.FAILED : SinkState.PENDING, attempts, nextTryAt, null,
                location, error, now);
    }

    /** An operator's retry: every FAILED sink of the job is PENDING again, due at once, with its attempts reset. */
    public int reopenFailed(String jobKey, long now) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement("UPDATE job_sink SET state = ?, attempts = 0, "
                     + "next_try_at = ?, updated_at = ? WHERE job_key = ? AND state <> ?")) {
            update.setString(1, SinkState.PENDING.name());
            update.setLong(2, now);
            update.setLong(3, now);
            update.setString(4, jobKey);
            update.setString(5, SinkState.DELIVERED.name());
            return update.executeUpdate();
        } catch (SQLException e) {
            throw new JobStoreException("cannot reopen the sinks of job " + jobKey, e);
        }
    }

    private void update(String jobKey, String sink, SinkState state, int attempts, Long nextTryAt, Long deliveredAt,
                        String location, String error, long now) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement("UPDATE job_sink SET state = ?, attempts = ?, "
                     + "next_try_at = ?, delivered_at = ?, location = ?, last_error = ?, updated_at = ? "
                     + "WHERE job_key = ? AND sink = ?")) {
            update.setString(1, state.name());
            update.setInt(2, attempts);
            NullableColumns.setLong(update, 3, nextTryAt);
            NullableColumns.setLong(update, 4, deliveredAt);
            update.setString(5, location);
            update.setString(6, error == null || error.length() <= 4000 ? error : error.substring(0, 3997) + "...");
            update.setLong(7, now);
            update.setString(8, jobKey);
            update.setString(9, sink);
            update.executeUpdate();
        } catch (SQLException e) {
            throw new JobStoreException("cannot record sink " + sink + " of job " + jobKey, e);
        }
    }

}
