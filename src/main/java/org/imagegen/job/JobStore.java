package org.imagegen.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.support.NullableColumns;
import org.imagegen.support.Parameters;

import static org.imagegen.job.JobRows.COLUMNS;
import static org.imagegen.job.JobRows.appendEvent;
import static org.imagegen.job.JobRows.placeholders;
import static org.imagegen.job.JobRows.setAttempts;
import static org.imagegen.job.JobRows.setCost;
import static org.imagegen.job.JobRows.truncate;

/**
 * The durable job store's writes (plain JDBC; the same SQL runs on H2 and PostgreSQL): new jobs, and saves of a
 * claimed job fenced by its lease. The job key is the primary key, so a duplicate request can never become a second
 * job. Which instance works on which job is {@link JobClaims}'; reading is {@link JobQueries}'; an operator's changes
 * to unclaimed jobs are {@link OperatorWrites}'.
 */
public class JobStore {

    /** How many ids one IN list of a statement holds at most. */
    private static final int IN_LIST_CHUNK = 100;

    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final JobRows rows;
    private final boolean flushAfterCommit;
    private final GroupFlush flush = new GroupFlush();

    public JobStore(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.rows = new JobRows(json);
        this.flushAfterCommit = JobRows.databaseProduct(dataSource).contains("H2");
    }

    /**
     * H2 writes a commit to its file up to a second later (PostgreSQL: at commit). For the writes whose loss would
     * cost money or a request — accepted jobs, "create being sent", "created", and DELIVERED of a job whose images
     * came inline (its staging, their only copy, is cleared next) — the file is brought up to date before the caller
     * goes on ({@link Save#durably}); losing any other recent write only repeats an idempotent step.
     */
    private void makeDurable(Connection c) throws SQLException {
        if (flushAfterCommit) {
            // one CHECKPOINT for the commits that ask at the same moment (GroupFlush), not one each in a queue
            flush.afterCommit(() -> {
                try (Statement checkpoint = c.createStatement()) {
                    checkpoint.execute("CHECKPOINT");
                }
            });
        }
    }

    /** How many times the store's file was brought up to date (H2): fewer than the durable writes under load. */
    public long flushes() {
        return flush.flushes();
    }

    /** Inserts a new job with its first event; returns the existing job instead when the key is taken. */
    public Optional<Job> insertIfAbsent(Job job, long now) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO job (" + COLUMNS + ", updated_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                int i = rows.bindAll(insert, job);
                insert.setLong(i, now);
                insert.executeUpdate();
                appendEvent(c, job.getKey(), job.getState(), now, null);
                ReplyAddresses.insert(c, job);
                c.commit();
                makeDurable(c);
                return Optional.empty();
            } catch (SQLException e) {
                c.rollback();
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    return Optional.of(find(job.getKey()).orElseThrow(() -> e));
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new JobStoreException("cannot insert job " + job.getKey(), e);
        }
    }

    /**
     * Inserts many new jobs in one transaction (an input file's records are accepted together: one disk write instead
     * of one per record). Returns the jobs that already existed, by key; those were not inserted. If another
     * instance inserts one of the keys meanwhile, the batch falls back to one insert at a time.
     */
    public Map<String, Job> insertAllIfAbsent(List<Job> jobs, long now) {
        Map<String, Job> existing = new HashMap<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (Job found : rows.findAll(c, jobs.stream().map(Job::getKey).toList())) {
                    existing.put(found.getKey(), found);
                }
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO job (" + COLUMNS + ", updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                     PreparedStatement event = c.prepareStatement(
                             "INSERT INTO job_event (job_key, state, at, detail) VALUES (?, ?, ?, ?)")) {
                    for (Job job : jobs) {
                        if (existing.containsKey(job.getKey())) {
                            continue;
                        }
                        insert.setLong(rows.bindAll(insert, job), now);
                        insert.addBatch();
                        event.setString(1, job.getKey());
                        event.setString(2, job.getState().name());
                        event.setLong(3, now);
                        event.setString(4, null);
                        event.addBatch();
                    }
                    insert.executeBatch();
                    event.executeBatch();
                }
                for (Job job : jobs) {
                    if (!existing.containsKey(job.getKey())) {
                        ReplyAddresses.insert(c, job);
                    }
                }
                c.commit();
                makeDurable(c);
                return existing;
            } catch (SQLException e) {
                c.rollback();
                if (!isUniqueViolation(e)) {
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new JobStoreException("cannot insert " + jobs.size() + " jobs", e);
        }
        existing.clear();
        for (Job job : jobs) {
            insertIfAbsent(job, now).ifPresent(found -> existing.put(found.getKey(), found));
        }
        return existing;
    }

    private static boolean isUniqueViolation(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (UNIQUE_VIOLATION.equals(s.getSQLState())) {
                return true;
            }
        }
        return e.getCause() instanceof SQLException cause && UNIQUE_VIOLATION.equals(cause.getSQLState());
    }

    /** The job with this key, read afresh (an insert lost the race for it). */
    private Optional<Job> find(String key) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return rows.findAll(c, List.of(key)).stream().findFirst();
        }
    }

    /**
     * Saves the job, fenced by the lease this instance holds: if the lease was lost (it expired and another instance
     * took the job), nothing is written and {@link LeaseLostException} says so. {@code how} says whether the new
     * state goes into the job's history, whether the claim is released (the default) or kept for a step that goes
     * straight on (a finished generation is downloaded at once), and whether the write is on file before this returns.
     */
    public void save(Job job, Save how, long now) {
        save(job, how, now, null, null);
    }

    /**
     * Saves the job's new state durably, keeping its claim, only if this instance still holds the lease AND the lease
     * lasts at least until {@code leaseLastsUntil}: the write that must precede a paid call. An instance that was
     * paused (a stop-the-world pause, a frozen VM) past its lease is refused even when no other instance has claimed
     * the job yet, so it sends nothing another instance could send too. Refused: {@link LeaseLostException}.
     */
    public void saveWhileLeased(Job job, String detail, long now, long leaseLastsUntil) {
        save(job, Save.withEvent(detail).keepingClaim().durably(), now, leaseLastsUntil, null);
    }

    /**
     * As {@link #saveWhileLeased(Job, String, long, long)}, with {@code condition}'s writes in the same transaction
     * after the job's row: when it does not hold (a create that would pass a budget), nothing is written and false
     * is returned.
     */
    public boolean saveWhileLeased(Job job, String detail, long now, long leaseLastsUntil, SaveCondition condition) {
        return save(job, Save.withEvent(detail).keepingClaim().durably(), now, leaseLastsUntil, condition);
    }

    /** Further writes in the transaction of a job's save, which may call the whole save off. */
    @FunctionalInterface
    public interface SaveCondition {
        /** False: the transaction is rolled back. */
        boolean holds(Connection c) throws SQLException;
    }

    private boolean save(Job job, Save how, long now, Long leaseLastsUntil, SaveCondition condition) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement update = c.prepareStatement("UPDATE job SET state = ?, provider_job_id = ?, "
                    + "create_attempts = ?, provider_retries = ?, checks = ?, transient_errors = ?, "
                    + "delivery_attempts = ?, next_check_at = ?, completed_at = ?, reason = ?, image_urls_json = ?, submitted_at = ?, "
                    + "cost_amount = ?, cost_unit = ?, cost_source = ?, cost_model = ?, "
                    + (how.keepsClaim() ? "" : "lease_owner = NULL, lease_until = NULL, ")
                    + "updated_at = ? WHERE job_key = ? AND lease_owner = ?"
                    + (leaseLastsUntil == null ? "" : " AND lease_until >= ?"))) {
                update.setString(1, job.getState().name());
                setAttempts(update, 2, job);
                NullableColumns.setLong(update, 9, job.getCompletedAt());
                update.setString(10, truncate(job.getReason()));
                update.setString(11, rows.write(job.getImageUrls()));
                NullableColumns.setLong(update, 12, job.getSubmittedAt());
                setCost(update, 13, job);
                update.setString(15, job.getCostSource());
                update.setString(16, job.getCostModel());
                update.setLong(17, now);
                update.setString(18, job.getKey());
                update.setString(19, job.getLeaseOwner());
                if (leaseLastsUntil != null) {
                    update.setLong(20, leaseLastsUntil);
                }
                if (update.executeUpdate() == 0) {
                    c.rollback();
                    throw new LeaseLostException(job.getKey());
                }
                if (condition != null && !condition.holds(c)) {
                    c.rollback();
                    return false;
                }
                if (job.isProgressChanged()) {
                    saveProgress(c, job);
                }
                if (how.recordsEvent()) {
                    appendEvent(c, job.getKey(), job.getState(), now, how.detail());
                }
                c.commit();
                job.progressSaved();
                if (how.durable()) {
                    makeDurable(c);
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new JobStoreException("cannot save job " + job.getKey(), e);
        }
        if (!how.keepsClaim()) {
            job.setLeaseOwner(null);
        }
        return true;
    }

    /**
     * The status URL, queue position and progress, in the transaction of the save that changed them: a check that
     * changes none of them (most do not) writes nothing more.
     */
    private static void saveProgress(Connection c, Job job) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE job SET status_url = ?, queue_position = ?, progress = ? WHERE job_key = ?")) {
            update.setString(1, job.getStatusUrl());
            NullableColumns.setInt(update, 2, job.getPosition());
            NullableColumns.setInt(update, 3, job.getProgress());
            update.setString(4, job.getKey());
            update.executeUpdate();
        }
    }

    /**
     * A provider's webhook named one of its generations: the job waiting on it is checked at once (next_check_at =
     * now). Nothing else changes: the check re-reads the generation before anything is trusted. Returns the number
     * of jobs brought forward (0 for an unknown generation, or one that is no longer waited on). A TIMED_OUT job is
     * waited on while it is checked late (it has a next check).
     */
    public int bringCheckForward(String provider, String providerJobId, long now) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement("UPDATE job SET next_check_at = ?, updated_at = ? "
                     + "WHERE provider = ? AND provider_job_id = ? AND state IN (?, ?, ?) AND next_check_at > ?")) {
            return Parameters.bind(update, now, now, provider, providerJobId, JobState.SUBMITTED, JobState.RUNNING,
                    JobState.TIMED_OUT, now).executeUpdate();
        } catch (SQLException e) {
            throw new JobStoreException("cannot bring the check of " + provider + " generation forward", e);
        }
    }

    /**
     * A provider's bulk status list showed these generations finished: the jobs waiting on them are checked at once,
     * each answered by that list (org.imagegen.provider.StatusSweeps). Unlike {@link #bringCheckForward}, updated_at
     * is left as it was: it is how a check tells that the list was asked for after the job's last step. Returns the
     * number of jobs brought forward.
     */
    public int bringListedChecksForward(String provider, Collection<String> providerJobIds, long now) {
        List<String> ids = List.copyOf(providerJobIds);
        int brought = 0;
        try (Connection c = dataSource.getConnection()) {
            for (int from = 0; from < ids.size(); from += IN_LIST_CHUNK) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IN_LIST_CHUNK));
                try (PreparedStatement update = c.prepareStatement("UPDATE job SET next_check_at = ? WHERE provider = ?"
                        + " AND state IN (?, ?, ?) AND next_check_at > ? AND provider_job_id IN ("
                        + placeholders(chunk.size()) + ")")) {
                    int i = 1;
                    update.setLong(i++, now);
                    update.setString(i++, provider);
                    update.setString(i++, JobState.SUBMITTED.name());
                    update.setString(i++, JobState.RUNNING.name());
                    update.setString(i++, JobState.TIMED_OUT.name());
                    update.setLong(i++, now);
                    for (String id : chunk) {
                        update.setString(i++, id);
                    }
                    brought += update.executeUpdate();
                }
            }
            return brought;
        } catch (SQLException e) {
            throw new JobStoreException("cannot bring the checks of listed " + provider + " generations forward", e);
        }
    }
}
