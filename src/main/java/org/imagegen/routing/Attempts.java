package org.imagegen.routing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.job.Job;
import org.imagegen.job.JobState;
import org.imagegen.job.Submission;
import org.imagegen.job.JobStoreException;
import org.imagegen.job.LeaseLostException;
import org.imagegen.request.GenerationRequest;
import org.imagegen.support.NullableColumns;

/**
 * The attempts a job made along its route (table {@code job_attempt}, migration V13), and the one write that moves a
 * job to its route's next step. Plain JDBC; the same SQL runs on H2 and PostgreSQL.
 */
public class Attempts {

    /** One provider the job was at and left: which step, the model asked for, why it left, what it reported cost. */
    public record Attempt(int step, String provider, String model, String outcome, String reason, Double cost,
                          String costUnit, long startedAt, long endedAt) {
    }

    private final DataSource dataSource;
    private final ObjectMapper json = new ObjectMapper();
    private final boolean h2;

    public Attempts(DataSource dataSource) {
        this.dataSource = dataSource;
        try (Connection c = dataSource.getConnection()) {
            this.h2 = c.getMetaData().getDatabaseProductName().toUpperCase(Locale.ROOT).contains("H2");
        } catch (SQLException e) {
            throw new JobStoreException("cannot reach the job store", e);
        }
    }

    /** The attempts the job left, oldest first; empty for a job that never moved. */
    public List<Attempt> left(String key) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT step, provider, model, outcome, reason, cost_amount,"
                     + " cost_unit, started_at, ended_at FROM job_attempt WHERE job_key = ? ORDER BY id")) {
            select.setString(1, key);
            List<Attempt> attempts = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    attempts.add(new Attempt(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), NullableColumns.getDouble(rs, 6), rs.getString(7), rs.getLong(8),
                            rs.getLong(9)));
                }
            }
            return attempts;
        } catch (SQLException e) {
            throw new JobStoreException("cannot read the attempts of job " + key, e);
        }
    }

    /** How many creates were sent for the job since {@code since} (its "create attempt" lines): the tries at a step. */
    public int createsSince(String key, long since) {
        return creates(key, since).count();
    }

    /** When the first create was sent for the job since {@code since}, or null when none was. */
    public Long firstCreateSince(String key, long since) {
        return creates(key, since).first();
    }

    /** A job's creates in a span: how many, and when the first left (null for none). */
    private record Creates(int count, Long first) {
    }

    /** The job's creates since {@code since}, counted by the lines written before each leaves. */
    private Creates creates(String key, long since) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT COUNT(*), MIN(at) FROM job_event WHERE job_key = ? "
                     + "AND state = ? AND detail LIKE ? AND at >= ?")) {
            select.setString(1, key);
            select.setString(2, JobState.SUBMITTING.name());
            select.setString(3, Submission.CREATE_SENT + "%");
            select.setLong(4, since);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return new Creates(rs.getInt(1), NullableColumns.getLong(rs, 2));
            }
        } catch (SQLException e) {
            throw new JobStoreException("cannot count the creates of job " + key, e);
        }
    }

    /**
     * Moves a claimed job to the next step of its route, in one transaction fenced by the lease this instance holds:
     * the attempt it leaves is recorded, the job becomes ACCEPTED at the next step's provider (the request rewritten
     * for that step's provider and model), due at once, with nothing of the left provider's generation, and its
     * history says why. Refused ({@link LeaseLostException}) when the lease was lost: nothing is written. The create
     * attempts keep counting and the deadline stays: the requester's time bound does not restart.
     */
    public void moveOn(Job job, Attempt left, GenerationRequest next, String detail, long now) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement update = c.prepareStatement("UPDATE job SET provider = ?, request_json = ?, "
                        + "state = ?, provider_job_id = NULL, status_url = NULL, queue_position = NULL, progress = NULL, "
                        + "transient_errors = 0, checks = 0, provider_retries = 0, submitted_at = NULL, "
                        + "completed_at = NULL, image_urls_json = ?, cost_amount = NULL, cost_unit = NULL, "
                        + "cost_source = NULL, cost_model = NULL, reason = ?, "
                        + "next_check_at = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? "
                        + "WHERE job_key = ? AND lease_owner = ?")) {
                    update.setString(1, next.provider());
                    update.setString(2, json.writeValueAsString(next));
                    update.setString(3, JobState.ACCEPTED.name());
                    update.setString(4, "[]");
                    update.setString(5, truncate(detail));
                    update.setLong(6, now);
                    update.setLong(7, now);
                    update.setString(8, job.getKey());
                    update.setString(9, job.getLeaseOwner());
                    if (update.executeUpdate() == 0) {
                        c.rollback();
                        throw new LeaseLostException(job.getKey());
                    }
                }
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO job_attempt (job_key, step, provider, "
                        + "model, outcome, reason, cost_amount, cost_unit, started_at, ended_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    insert.setString(1, job.getKey());
                    insert.setInt(2, left.step());
                    insert.setString(3, left.provider());
                    insert.setString(4, left.model());
                    insert.setString(5, left.outcome());
                    insert.setString(6, truncate(left.reason()));
                    NullableColumns.setDouble(insert, 7, left.cost());
                    insert.setString(8, left.costUnit());
                    insert.setLong(9, left.startedAt());
                    insert.setLong(10, left.endedAt());
                    insert.executeUpdate();
                }
                try (PreparedStatement event = c.prepareStatement(
                        "INSERT INTO job_event (job_key, state, at, detail) VALUES (?, ?, ?, ?)")) {
                    event.setString(1, job.getKey());
                    event.setString(2, JobState.ACCEPTED.name());
                    event.setLong(3, now);
                    event.setString(4, truncate(detail));
                    event.executeUpdate();
                }
                c.commit();
                if (h2) {
                    // as the job store's "create being sent": lost, the job would be reconciled at the provider it left
                    try (Statement checkpoint = c.createStatement()) {
                        checkpoint.execute("CHECKPOINT");
                    }
                }
            } catch (SQLException | RuntimeException | JsonProcessingException e) {
                c.rollback();
                if (e instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new SQLException(e);
            }
        } catch (SQLException e) {
            throw new JobStoreException("cannot move job " + job.getKey() + " to " + next.provider(), e);
        }
    }

    /**
     * The job's attempts as the manifest and the API show them: those it left, then the one it is at (its provider
     * and model, its state as the outcome, its reason and reported cost). {@code state}: the state reported for the
     * job (a delivered manifest is composed while the row still says SUCCEEDED).
     */
    public List<Map<String, Object>> report(Job job, JobState state, String model) {
        List<Map<String, Object>> report = new ArrayList<>();
        long started = job.getAcceptedAt();
        int step = 0;
        for (Attempt a : left(job.getKey())) {
            report.add(entry(a.step(), a.provider(), a.model(), a.outcome(), a.reason(), a.cost(), a.costUnit(),
                    a.startedAt(), a.endedAt()));
            started = a.endedAt();
            step = a.step() + 1;
        }
        report.add(entry(step, job.getProvider(), model, state.name(),
                state == JobState.DELIVERED ? null : job.getReason(), job.getCost(), job.getCostUnit(), started,
                state.isTerminal() ? job.getCompletedAt() : null));
        return report;
    }

    private static Map<String, Object> entry(int step, String provider, String model, String outcome, String reason,
                                             Double cost, String costUnit, long startedAt, Long endedAt) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("step", step);
        e.put("provider", provider);
        e.put("model", model);
        e.put("outcome", outcome);
        e.put("reason", reason);
        Map<String, Object> reported = null;
        if (cost != null) {
            reported = new LinkedHashMap<>();
            reported.put("amount", cost);
            reported.put("unit", costUnit);
        }
        e.put("cost", reported);
        e.put("started", Instant.ofEpochMilli(startedAt).toString());
        e.put("ended", endedAt == null ? null : Instant.ofEpochMilli(endedAt).toString());
        return e;
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 4000 ? text : text.substring(0, 3997) + "...";
    }
}
