package org.imagegen.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.support.Parameters;

import static org.imagegen.job.JobRows.READ_COLUMNS;
import static org.imagegen.job.JobRows.placeholders;

/**
 * The read side of the job store: one job and its history, the API's and the jobs page's searches, the counts
 * behind the metrics and the readiness probe's ping. It never writes and needs no lease; the writes are
 * {@link JobStore}'s.
 */
public class JobQueries {

    /** The due jobs of one claim rank not claimed now (rank, now, now). Package-private for the test of its plan. */
    static final String DUE_OF_RANK = "SELECT COUNT(*) " + JobClaims.DUE;
    /** The spend per provider, model and unit ({@link #spend}). Package-private for the test of its plan. */
    static final String SPEND = "SELECT provider, model, unit, SUM(amount) FROM ("
            + "SELECT provider, cost_model AS model, cost_unit AS unit, cost_amount AS amount FROM job "
            + "WHERE cost_amount >= 0 UNION ALL "
            + "SELECT provider, model, cost_unit, cost_amount FROM job_attempt WHERE cost_amount >= 0"
            + ") spent GROUP BY provider, model, unit";

    private final DataSource dataSource;
    private final JobRows rows;

    public JobQueries(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.rows = new JobRows(json);
    }

    public Optional<Job> find(String key) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT " + READ_COLUMNS + " FROM job WHERE job_key = ?")) {
            select.setString(1, key);
            List<Job> found = rows.readAll(select);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        } catch (SQLException e) {
            throw new JobStoreException("cannot read job " + key, e);
        }
    }

    public List<JobEvent> history(String key) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT state, at, detail FROM job_event WHERE job_key = ? ORDER BY id")) {
            select.setString(1, key);
            List<JobEvent> events = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    events.add(new JobEvent(JobState.valueOf(rs.getString(1)), rs.getLong(2), rs.getString(3)));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new JobStoreException("cannot read history of job " + key, e);
        }
    }

    /**
     * Jobs of a provider, other than {@code exceptKey}, whose create may have made a generation that no row knows
     * of: being sent or unanswered (SUBMITTING), or parked for a person (NEEDS_ATTENTION) without a generation id.
     */
    public int countUnsettledCreates(String provider, String exceptKey) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT COUNT(*) FROM job WHERE provider = ? AND job_key <> ?"
                     + " AND provider_job_id IS NULL AND state IN (?, ?)")) {
            Parameters.bind(select, provider, exceptKey, JobState.SUBMITTING, JobState.NEEDS_ATTENTION);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new JobStoreException("cannot count unsettled creates", e);
        }
    }

    /** Whether a job already has this generation of the provider. */
    public boolean ownsGeneration(String provider, String providerJobId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT COUNT(*) FROM job WHERE provider = ? AND provider_job_id = ?")) {
            select.setString(1, provider);
            select.setString(2, providerJobId);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        } catch (SQLException e) {
            throw new JobStoreException("cannot look up generation " + providerJobId, e);
        }
    }

    /** Number of jobs in each state (every state present, zero when none). */
    public Map<JobState, Long> countByState() {
        Map<JobState, Long> counts = new EnumMap<>(JobState.class);
        for (JobState s : JobState.values()) {
            counts.put(s, 0L);
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT state, COUNT(*) FROM job GROUP BY state");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                counts.put(JobState.valueOf(rs.getString(1)), rs.getLong(2));
            }
            return counts;
        } catch (SQLException e) {
            throw new JobStoreException("cannot count jobs", e);
        }
    }

    /** A page of jobs, newest first (accepted_at, then key, descending), after the cursor position when given. */
    public List<Job> list(List<JobState> states, String provider, Long acceptedSince, Long beforeAcceptedAt,
                          String beforeKey, int limit) {
        return search(new JobSearch(states, provider, null, acceptedSince, null, null), beforeAcceptedAt, beforeKey,
                limit);
    }

    /**
     * The jobs the search finds, newest first (accepted_at, then key, descending), after the cursor position when
     * given (the API's pages; the jobs page asks for the first page only).
     */
    public List<Job> search(JobSearch search, Long beforeAcceptedAt, String beforeKey, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + READ_COLUMNS + " FROM job WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (!search.states().isEmpty()) {
            sql.append(" AND state IN (").append(placeholders(search.states().size())).append(")");
            search.states().forEach(st -> args.add(st.name()));
        }
        and(sql, args, "provider = ?", search.provider());
        and(sql, args, "route = ?", search.route());
        and(sql, args, "accepted_at >= ?", search.acceptedFrom());
        and(sql, args, "accepted_at < ?", search.acceptedTo());
        if (search.keyPrefix() != null) {
            // a prefix of the primary key; LIKE's own characters in it are matched as themselves
            sql.append(" AND job_key LIKE ? ESCAPE '!'");
            args.add(search.keyPrefix().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        }
        if (beforeAcceptedAt != null) {
            sql.append(" AND (accepted_at < ? OR (accepted_at = ? AND job_key < ?))");
            args.add(beforeAcceptedAt);
            args.add(beforeAcceptedAt);
            args.add(beforeKey);
        }
        sql.append(" ORDER BY accepted_at DESC, job_key DESC LIMIT ?");
        args.add(limit);
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                select.setObject(i + 1, args.get(i));
            }
            return rows.readAll(select);
        } catch (SQLException e) {
            throw new JobStoreException("cannot list jobs", e);
        }
    }

    /** A search's condition on one column, when the search names a value for it. */
    private static void and(StringBuilder sql, List<Object> args, String condition, Object value) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            args.add(value);
        }
    }

    /** Number of jobs per provider and state (only the pairs that have jobs), for the metrics. */
    public Map<String, Map<JobState, Long>> countByProviderAndState() {
        Map<String, Map<JobState, Long>> counts = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT provider, state, COUNT(*) FROM job GROUP BY provider, state");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                counts.computeIfAbsent(rs.getString(1), p -> new EnumMap<>(JobState.class))
                        .put(JobState.valueOf(rs.getString(2)), rs.getLong(3));
            }
            return counts;
        } catch (SQLException e) {
            throw new JobStoreException("cannot count jobs", e);
        }
    }

    /** Spent at one provider on one model, in one unit. */
    public record Spend(String provider, String model, String unit, double amount) {
    }

    /**
     * What was spent, summed per provider, model and unit: the jobs' costs (reported or configured) and those of the
     * attempts jobs left at other providers. A sum over the store, so every job counts once however often it was
     * retried, whichever instance ran it, across restarts. "cost_amount >= 0" rather than "IS NOT NULL" (a cost is
     * never negative: a reported one is refused, a configured price too) is a range H2 reads through the index on
     * the cost (V20), which holds every column summed: the sum reads the costed jobs' index entries, not every row.
     */
    public List<Spend> spend() {
        List<Spend> spend = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(SPEND);
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                spend.add(new Spend(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4)));
            }
            return spend;
        } catch (SQLException e) {
            throw new JobStoreException("cannot sum the spend", e);
        }
    }

    /**
     * Jobs whose next step is due and that no instance has claimed yet: the status loop's backlog. Counted rank by
     * rank ({@link JobClaims}), each a range of the claim's index, which holds every column the count reads: the
     * count reads the due jobs' index entries, not the rows, and none of the jobs that merely wait.
     */
    public long countDue(long now) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(DUE_OF_RANK)) {
            long due = 0;
            for (int rank = 0; rank <= JobClaims.LAST_RANK; rank++) {
                select.setInt(1, rank);
                select.setLong(2, now);
                select.setLong(3, now);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    due += rs.getLong(1);
                }
            }
            return due;
        } catch (SQLException e) {
            throw new JobStoreException("cannot count due jobs", e);
        }
    }

    /** Whether the store answers a trivial query within {@code timeoutSeconds}: the readiness probe. */
    public void ping(int timeoutSeconds) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT COUNT(*) FROM job WHERE job_key = ''")) {
            select.setQueryTimeout(timeoutSeconds);
            select.executeQuery().close();
        } catch (SQLException e) {
            throw new JobStoreException("the job store does not answer: " + e.getMessage(), e);
        }
    }
}
