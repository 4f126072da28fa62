package org.imagegen.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import org.imagegen.job.JobMoves.On;

import static org.imagegen.job.JobRows.appendEvent;
import static org.imagegen.job.JobRows.placeholders;
import static org.imagegen.job.JobRows.truncate;

/**
 * An operator's changes to a job (the HTTP API, Hawtio): cancel it, or reopen it for a new generation or another
 * delivery. Each is one conditional UPDATE and, when it changed the row, the new state in the job's history, in one
 * transaction; a job claimed by a worker is not reopened (the worker's own save decides), and a cancel revokes the
 * claim, so the worker finds its lease lost and writes nothing. The states an update moves a job from are those the
 * state machine allows ({@link JobMoves}), checked before anything is written.
 */
public class OperatorWrites {

    private final DataSource dataSource;

    public OperatorWrites(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * An operator's retry of a DELIVERY_FAILED job (sinks): back to SUCCEEDED, due at once, with fresh
     * delivery attempts. Only an unclaimed DELIVERY_FAILED row changes; returns whether it did.
     */
    public boolean reopenForDelivery(String key, long now, String detail) {
        List<JobState> from = List.of(JobState.DELIVERY_FAILED);
        return updateWithEvent(key, "UPDATE job SET state = ?, next_check_at = ?, delivery_attempts = 0, "
                + "reason = NULL, updated_at = ? WHERE job_key = ? AND state IN (" + placeholders(from.size())
                + ") AND lease_owner IS NULL", update -> {
                    update.setString(1, JobState.SUCCEEDED.name());
                    update.setLong(2, now);
                    update.setLong(3, now);
                    update.setString(4, key);
                    bindStates(update, 5, from);
                }, from, On.RETRY_DELIVERY, JobState.SUCCEEDED, now, detail, "cannot reopen job " + key);
    }

    /**
     * Cancels a job in one of {@code from}: no more checks, and its claim is revoked, so a worker still holding it
     * finds its lease lost and writes nothing. Returns whether the row changed.
     */
    public boolean cancel(String key, List<JobState> from, long now, String detail) {
        return updateWithEvent(key, "UPDATE job SET state = ?, next_check_at = NULL, lease_owner = NULL, "
                + "lease_until = NULL, reason = ?, updated_at = ? WHERE job_key = ? AND state IN ("
                + placeholders(from.size()) + ")", update -> {
                    update.setString(1, JobState.CANCELLED.name());
                    update.setString(2, truncate(detail));
                    update.setLong(3, now);
                    update.setString(4, key);
                    bindStates(update, 5, from);
                }, from, On.CANCEL, JobState.CANCELLED, now, detail, "cannot cancel job " + key);
    }

    /**
     * An operator's retry of a FAILED or TIMED_OUT job: a new generation (paid again, deliberately). The job goes back
     * to ACCEPTED, due at once, with a new deadline and no trace of the old generation except in its history; the
     * create attempts keep counting. Only an unclaimed row in one of those states changes; returns whether it did.
     */
    public boolean reopenForGeneration(String key, long now, long deadlineAt, String detail) {
        List<JobState> from = List.of(JobState.FAILED, JobState.TIMED_OUT);
        return updateWithEvent(key, "UPDATE job SET state = ?, provider_job_id = NULL, provider_retries = 0, "
                + "checks = 0, transient_errors = 0, delivery_attempts = 0, next_check_at = ?, deadline_at = ?, "
                + "completed_at = NULL, submitted_at = NULL, reason = NULL, image_urls_json = ?, updated_at = ?, "
                + "status_url = NULL, queue_position = NULL, progress = NULL "
                + "WHERE job_key = ? AND state IN (" + placeholders(from.size()) + ") AND lease_owner IS NULL", update -> {
                    update.setString(1, JobState.ACCEPTED.name());
                    update.setLong(2, now);
                    update.setLong(3, deadlineAt);
                    update.setString(4, "[]");
                    update.setLong(5, now);
                    update.setString(6, key);
                    bindStates(update, 7, from);
                }, from, On.RETRY_GENERATION, JobState.ACCEPTED, now, detail, "cannot reopen job " + key);
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private static void bindStates(PreparedStatement update, int first, List<JobState> states) throws SQLException {
        for (int i = 0; i < states.size(); i++) {
            update.setString(first + i, states.get(i).name());
        }
    }

    /**
     * A conditional UPDATE of one job row from one of {@code from} to {@code state} and, when it changed the row, the
     * new state in its history: one transaction. Each move it may make is checked first.
     */
    private boolean updateWithEvent(String key, String sql, Binder binder, List<JobState> from, On on, JobState state,
                                    long now, String detail, String failure) {
        from.forEach(before -> JobMoves.check(key, before, on, state));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement update = c.prepareStatement(sql)) {
                binder.bind(update);
                if (update.executeUpdate() == 0) {
                    c.rollback();
                    return false;
                }
                appendEvent(c, key, state, now, detail);
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new JobStoreException(failure, e);
        }
    }
}
