package org.imagegen.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.request.GenerationRequest;

/**
 * The durable job store (plain JDBC; the same SQL runs on H2 and PostgreSQL). The job key is the primary key, so a
 * duplicate request can never become a second job. Due jobs are claimed with a lease: a conditional UPDATE that
 * only one instance can win per row, which stays correct with several instances on one database and lets another
 * instance take over the jobs of one that died once its lease expires.
 */
public class JobStore {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String COLUMNS = "job_key, provider, state, request_json, source, provider_job_id, "
            + "create_attempts, provider_retries, checks, transient_errors, delivery_attempts, next_check_at, "
            + "deadline_at, accepted_at, completed_at, reason, image_urls_json, lease_owner, submitted_at, "
            + "cost_amount, cost_unit";
    /** What a job is read with: its columns, and the status URL and progress (written only when they change). */
    private static final String READ_COLUMNS = COLUMNS + ", status_url, queue_position, progress";

    /** Claim order: deliveries, then checks (and reconciliations), then submissions. */
    private static final String PRIORITY = "CASE state WHEN 'SUCCEEDED' THEN 0 WHEN 'ACCEPTED' THEN 2 ELSE 1 END";

    private final DataSource dataSource;
    private final ObjectMapper json;
    private final String instanceId;
    private final AtomicLong claims = new AtomicLong();
    /** Claims whose statement failed after it was sent: it may have leased rows that nobody works on. */
    private final Set<String> unansweredClaims = ConcurrentHashMap.newKeySet();
    private final boolean flushAfterCommit;
    /** PostgreSQL: claims skip rows another instance is claiming at that moment instead of waiting for them. */
    private final boolean skipLocked;

    public JobStore(DataSource dataSource, ObjectMapper json, String instanceId) {
        this.dataSource = dataSource;
        this.json = json;
        this.instanceId = instanceId;
        String product = databaseProduct(dataSource);
        this.flushAfterCommit = product.contains("H2");
        this.skipLocked = product.contains("POSTGRESQL");
    }

    private static String databaseProduct(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getDatabaseProductName().toUpperCase(Locale.ROOT);
        } catch (SQLException e) {
            throw new JobStoreException("cannot reach the job store", e);
        }
    }

    /**
     * H2 writes a commit to its file up to a second later (PostgreSQL: at commit). For the writes whose loss would
     * cost money or a request — accepted jobs, "create being sent", "created", and DELIVERED of a job whose images
     * came inline (its staging, their only copy, is cleared next) — the file is brought up to date before the caller
     * goes on; losing any other recent write only repeats an idempotent step.
     */
    private void makeDurable(Connection c) throws SQLException {
        if (flushAfterCommit) {
            try (Statement checkpoint = c.createStatement()) {
                checkpoint.execute("CHECKPOINT");
            }
        }
    }

    public String instanceId() {
        return instanceId;
    }

    /** Inserts a new job with its first event; returns the existing job instead when the key is taken. */
    public Optional<Job> insertIfAbsent(Job job, long now) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO job (" + COLUMNS + ", updated_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                int i = bindAll(insert, job);
                insert.setLong(i, now);
                insert.executeUpdate();
                appendEvent(c, job.getKey(), job.getState(), now, null);
                insertReplyAddress(c, job);
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
                for (Job found : findAll(c, jobs.stream().map(Job::getKey).toList())) {
                    existing.put(found.getKey(), found);
                }
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO job (" + COLUMNS + ", updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                     PreparedStatement event = c.prepareStatement(
                             "INSERT INTO job_event (job_key, state, at, detail) VALUES (?, ?, ?, ?)")) {
                    for (Job job : jobs) {
                        if (existing.containsKey(job.getKey())) {
                            continue;
                        }
                        insert.setLong(bindAll(insert, job), now);
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
                        insertReplyAddress(c, job);
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

    private List<Job> findAll(Connection c, List<String> keys) throws SQLException {
        List<Job> found = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += 500) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + 500));
            try (PreparedStatement select = c.prepareStatement("SELECT " + READ_COLUMNS + " FROM job WHERE job_key IN ("
                    + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    select.setString(i + 1, chunk.get(i));
                }
                found.addAll(readAll(select));
            }
        }
        return found;
    }

    /**
     * Claims up to {@code limit} due jobs for this instance until {@code leaseUntil}. The UPDATE re-checks the
     * lease condition on each row it locks, so two instances racing for the same rows never both win one.
     * Finished generations come first (their image URLs expire), then status checks, then new submissions.
     */
    public List<Job> claimDue(int limit, long now, long leaseUntil) {
        return claimDue(limit, now, leaseUntil, Set.of());
    }

    /** As {@link #claimDue(int, long, long)}, leaving the jobs of the providers named in {@code skip} unclaimed. */
    public List<Job> claimDue(int limit, long now, long leaseUntil, Collection<String> skip) {
        List<String> skipped = List.copyOf(skip);
        String notSkipped = skipped.isEmpty() ? ""
                : "AND provider NOT IN (" + String.join(", ", Collections.nCopies(skipped.size(), "?")) + ") ";
        String token = instanceId + "#" + claims.incrementAndGet();
        boolean connected = false;
        try (Connection c = dataSource.getConnection()) {
            connected = true;
            releaseUnansweredClaims(c);
            if (skipLocked) {
                return claimSkippingLocked(c, token, limit, now, leaseUntil, notSkipped, skipped);
            }
            List<String> due = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT job_key FROM job WHERE next_check_at <= ? "
                    + "AND (lease_until IS NULL OR lease_until < ?) " + notSkipped + "ORDER BY " + PRIORITY
                    + ", next_check_at LIMIT ?")) {
                int i = 1;
                select.setLong(i++, now);
                select.setLong(i++, now);
                for (String provider : skipped) {
                    select.setString(i++, provider);
                }
                select.setInt(i, limit);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        due.add(rs.getString(1));
                    }
                }
            }
            if (due.isEmpty()) {
                return List.of();
            }
            // two statements, each using an index; the UPDATE re-checks the lease, so a row another instance
            // claimed in between is simply not ours
            String keys = String.join(", ", Collections.nCopies(due.size(), "?"));
            try (PreparedStatement claim = c.prepareStatement("UPDATE job SET lease_owner = ?, lease_until = ? "
                    + "WHERE job_key IN (" + keys + ") AND next_check_at <= ? "
                    + "AND (lease_until IS NULL OR lease_until < ?)")) {
                int i = 1;
                claim.setString(i++, token);
                claim.setLong(i++, leaseUntil);
                for (String key : due) {
                    claim.setString(i++, key);
                }
                claim.setLong(i++, now);
                claim.setLong(i, now);
                if (claim.executeUpdate() == 0) {
                    return List.of();
                }
            }
            return readClaimed(c, token);
        } catch (SQLException e) {
            if (connected) {
                // the claim may have committed with its answer lost (the connection broke): nobody works on those
                // rows, so they are released by the next claim rather than waiting out their lease
                unansweredClaims.add(token);
            }
            throw new JobStoreException("cannot claim due jobs", e);
        }
    }

    private void releaseUnansweredClaims(Connection c) throws SQLException {
        for (String token : List.copyOf(unansweredClaims)) {
            try (PreparedStatement release = c.prepareStatement(
                    "UPDATE job SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?")) {
                release.setString(1, token);
                release.executeUpdate();
            }
            unansweredClaims.remove(token);
        }
    }

    /**
     * PostgreSQL (several instances on one database): one statement that locks the due rows it picks and skips those
     * another instance's claim has locked right now (FOR UPDATE SKIP LOCKED). Instances claiming at the same moment
     * get disjoint batches instead of queueing behind each other's row locks (or deadlocking on them, which two
     * IN-list UPDATEs locking rows in different orders can do); the lease condition is re-checked on every row
     * locked, so a row claimed and committed meanwhile is not taken.
     */
    private List<Job> claimSkippingLocked(Connection c, String token, int limit, long now, long leaseUntil,
                                          String notSkipped, List<String> skipped) throws SQLException {
        try (PreparedStatement claim = c.prepareStatement("UPDATE job SET lease_owner = ?, lease_until = ? "
                + "WHERE job_key IN (SELECT job_key FROM job WHERE next_check_at <= ? "
                + "AND (lease_until IS NULL OR lease_until < ?) " + notSkipped + "ORDER BY " + PRIORITY
                + ", next_check_at LIMIT ? FOR UPDATE SKIP LOCKED)")) {
            int i = 1;
            claim.setString(i++, token);
            claim.setLong(i++, leaseUntil);
            claim.setLong(i++, now);
            claim.setLong(i++, now);
            for (String provider : skipped) {
                claim.setString(i++, provider);
            }
            claim.setInt(i, limit);
            if (claim.executeUpdate() == 0) {
                return List.of();
            }
        }
        return readClaimed(c, token);
    }

    private List<Job> readClaimed(Connection c, String token) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT " + READ_COLUMNS + " FROM job WHERE lease_owner = ? ORDER BY " + PRIORITY + ", next_check_at")) {
            select.setString(1, token);
            return readAll(select);
        }
    }

    /**
     * Saves the job and releases its lease, fenced by the lease this instance holds: if the lease was lost (it
     * expired and another instance took the job), nothing is written and {@link LeaseLostException} says so.
     * When {@code stateChanged}, the transition is added to the job's history. {@code releaseLease} false keeps the
     * claim, for a step that goes straight on (a finished generation is downloaded at once).
     */
    public void save(Job job, boolean stateChanged, String detail, long now, boolean releaseLease) {
        save(job, stateChanged, detail, now, releaseLease, false);
    }

    /** As {@link #save(Job, boolean, String, long, boolean)}; {@code durable}: on file before this returns. */
    public void save(Job job, boolean stateChanged, String detail, long now, boolean releaseLease, boolean durable) {
        save(job, stateChanged, detail, now, releaseLease, durable, null);
    }

    /**
     * Saves the job's new state durably, keeping its claim, only if this instance still holds the lease AND the lease
     * lasts at least until {@code leaseLastsUntil}: the write that must precede a paid call. An instance that was
     * paused (a stop-the-world pause, a frozen VM) past its lease is refused even when no other instance has claimed
     * the job yet, so it sends nothing another instance could send too. Refused: {@link LeaseLostException}.
     */
    public void saveWhileLeased(Job job, String detail, long now, long leaseLastsUntil) {
        save(job, true, detail, now, false, true, leaseLastsUntil);
    }

    /**
     * Confirms, without changing the job, that this instance still holds its lease and that it has not run out at
     * {@code now}: a cheap check before a step's effects leave the bundle (images written to sinks), so an instance
     * woken from a pause past its lease does not repeat what another instance has done meanwhile. Refused:
     * {@link LeaseLostException}.
     */
    public void confirmLease(Job job, long now) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement check = c.prepareStatement("SELECT COUNT(*) FROM job WHERE job_key = ? "
                     + "AND lease_owner = ? AND lease_until >= ?")) {
            check.setString(1, job.getKey());
            check.setString(2, job.getLeaseOwner());
            check.setLong(3, now);
            try (ResultSet rs = check.executeQuery()) {
                if (!rs.next() || rs.getLong(1) == 0) {
                    throw new LeaseLostException(job.getKey());
                }
            }
        } catch (SQLException e) {
            throw new JobStoreException("cannot confirm the lease on job " + job.getKey(), e);
        }
    }

    private void save(Job job, boolean stateChanged, String detail, long now, boolean releaseLease, boolean durable,
                      Long leaseLastsUntil) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement update = c.prepareStatement("UPDATE job SET state = ?, provider_job_id = ?, "
                    + "create_attempts = ?, provider_retries = ?, checks = ?, transient_errors = ?, "
                    + "delivery_attempts = ?, next_check_at = ?, completed_at = ?, reason = ?, image_urls_json = ?, submitted_at = ?, "
                    + "cost_amount = ?, cost_unit = ?, "
                    + (releaseLease ? "lease_owner = NULL, lease_until = NULL, " : "")
                    + "updated_at = ? WHERE job_key = ? AND lease_owner = ?"
                    + (leaseLastsUntil == null ? "" : " AND lease_until >= ?"))) {
                update.setString(1, job.getState().name());
                update.setString(2, job.getProviderJobId());
                update.setInt(3, job.getCreateAttempts());
                update.setInt(4, job.getProviderRetries());
                update.setInt(5, job.getChecks());
                update.setInt(6, job.getTransientErrors());
                update.setInt(7, job.getDeliveryAttempts());
                setNullableLong(update, 8, job.getNextCheckAt());
                setNullableLong(update, 9, job.getCompletedAt());
                update.setString(10, truncate(job.getReason()));
                update.setString(11, write(job.getImageUrls()));
                setNullableLong(update, 12, job.getSubmittedAt());
                setCost(update, 13, job);
                update.setLong(15, now);
                update.setString(16, job.getKey());
                update.setString(17, job.getLeaseOwner());
                if (leaseLastsUntil != null) {
                    update.setLong(18, leaseLastsUntil);
                }
                if (update.executeUpdate() == 0) {
                    c.rollback();
                    throw new LeaseLostException(job.getKey());
                }
                if (job.isProgressChanged()) {
                    saveProgress(c, job);
                }
                if (stateChanged) {
                    appendEvent(c, job.getKey(), job.getState(), now, detail);
                }
                c.commit();
                job.progressSaved();
                if (durable) {
                    makeDurable(c);
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new JobStoreException("cannot save job " + job.getKey(), e);
        }
        if (releaseLease) {
            job.setLeaseOwner(null);
        }
    }

    /**
     * The status URL, queue position and progress, in the transaction of the save that changed them: a check that
     * changes none of them (most do not) writes nothing more.
     */
    private static void saveProgress(Connection c, Job job) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE job SET status_url = ?, queue_position = ?, progress = ? WHERE job_key = ?")) {
            update.setString(1, job.getStatusUrl());
            setNullableInt(update, 2, job.getPosition());
            setNullableInt(update, 3, job.getProgress());
            update.setString(4, job.getKey());
            update.executeUpdate();
        }
    }

    /**
     * Frees the leases a previous run of this node left behind (it was killed while holding them), so a restarted
     * single node does not wait for them to expire. Only leases whose owner starts with this node's name.
     */
    public int releaseLeasesOfNode(String nodeId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement(
                     "UPDATE job SET lease_owner = NULL, lease_until = NULL WHERE lease_owner LIKE ?")) {
            update.setString(1, nodeId.replace("%", "\\%").replace("_", "\\_") + "/%");
            return update.executeUpdate();
        } catch (SQLException e) {
            throw new JobStoreException("cannot release leases of node " + nodeId, e);
        }
    }

    /**
     * An operator's retry of a DELIVERY_FAILED job (sinks): back to SUCCEEDED, due at once, with fresh
     * delivery attempts. Only an unclaimed DELIVERY_FAILED row changes; returns whether it did.
     */
    public boolean reopenForDelivery(String key, long now, String detail) {
        return updateWithEvent(key, "UPDATE job SET state = ?, next_check_at = ?, delivery_attempts = 0, "
                + "reason = NULL, updated_at = ? WHERE job_key = ? AND state = ? AND lease_owner IS NULL", update -> {
                    update.setString(1, JobState.SUCCEEDED.name());
                    update.setLong(2, now);
                    update.setLong(3, now);
                    update.setString(4, key);
                    update.setString(5, JobState.DELIVERY_FAILED.name());
                }, JobState.SUCCEEDED, now, detail, "cannot reopen job " + key);
    }

    public Optional<Job> find(String key) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT " + READ_COLUMNS + " FROM job WHERE job_key = ?")) {
            select.setString(1, key);
            List<Job> found = readAll(select);
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
     * The most recently accepted jobs, newest first, optionally only those in one state (the console's jobs page).
     */
    public List<Job> recent(JobState state, int limit) {
        String where = state == null ? "" : " WHERE state = ?";
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT " + READ_COLUMNS + " FROM job" + where
                     + " ORDER BY accepted_at DESC, job_key FETCH FIRST " + Math.max(0, limit) + " ROWS ONLY")) {
            if (state != null) {
                select.setString(1, state.name());
            }
            return readAll(select);
        } catch (SQLException e) {
            throw new JobStoreException("cannot read recent jobs", e);
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
            select.setString(1, provider);
            select.setString(2, exceptKey);
            select.setString(3, JobState.SUBMITTING.name());
            select.setString(4, JobState.NEEDS_ATTENTION.name());
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

    // ---- HTTP API and webhooks -----------------------------------------------------------------------

    /** A page of jobs, newest first (accepted_at, then key, descending), after the cursor position when given. */
    public List<Job> list(List<JobState> states, String provider, Long acceptedSince, Long beforeAcceptedAt,
                          String beforeKey, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + READ_COLUMNS + " FROM job WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (states != null && !states.isEmpty()) {
            sql.append(" AND state IN (").append(String.join(", ", Collections.nCopies(states.size(), "?"))).append(")");
            states.forEach(st -> args.add(st.name()));
        }
        if (provider != null) {
            sql.append(" AND provider = ?");
            args.add(provider);
        }
        if (acceptedSince != null) {
            sql.append(" AND accepted_at >= ?");
            args.add(acceptedSince);
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
            return readAll(select);
        } catch (SQLException e) {
            throw new JobStoreException("cannot list jobs", e);
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
            update.setLong(1, now);
            update.setLong(2, now);
            update.setString(3, provider);
            update.setString(4, providerJobId);
            update.setString(5, JobState.SUBMITTED.name());
            update.setString(6, JobState.RUNNING.name());
            update.setString(7, JobState.TIMED_OUT.name());
            update.setLong(8, now);
            return update.executeUpdate();
        } catch (SQLException e) {
            throw new JobStoreException("cannot bring the check of " + provider + " generation forward", e);
        }
    }

    /**
     * Cancels a job in one of {@code from}: no more checks, and its claim is revoked, so a worker still holding it
     * finds its lease lost and writes nothing. Returns whether the row changed.
     */
    public boolean cancel(String key, List<JobState> from, long now, String detail) {
        return updateWithEvent(key, "UPDATE job SET state = ?, next_check_at = NULL, lease_owner = NULL, "
                + "lease_until = NULL, reason = ?, updated_at = ? WHERE job_key = ? AND state IN ("
                + String.join(", ", Collections.nCopies(from.size(), "?")) + ")", update -> {
                    int i = 1;
                    update.setString(i++, JobState.CANCELLED.name());
                    update.setString(i++, truncate(detail));
                    update.setLong(i++, now);
                    update.setString(i++, key);
                    for (JobState state : from) {
                        update.setString(i++, state.name());
                    }
                }, JobState.CANCELLED, now, detail, "cannot cancel job " + key);
    }

    /**
     * An operator's retry of a FAILED or TIMED_OUT job: a new generation (paid again, deliberately). The job goes back
     * to ACCEPTED, due at once, with a new deadline and no trace of the old generation except in its history; the
     * create attempts keep counting. Only an unclaimed row in one of those states changes; returns whether it did.
     */
    public boolean reopenForGeneration(String key, long now, long deadlineAt, String detail) {
        return updateWithEvent(key, "UPDATE job SET state = ?, provider_job_id = NULL, provider_retries = 0, "
                + "checks = 0, transient_errors = 0, delivery_attempts = 0, next_check_at = ?, deadline_at = ?, "
                + "completed_at = NULL, submitted_at = NULL, reason = NULL, image_urls_json = ?, updated_at = ?, "
                + "status_url = NULL, queue_position = NULL, progress = NULL "
                + "WHERE job_key = ? AND state IN (?, ?) AND lease_owner IS NULL", update -> {
                    update.setString(1, JobState.ACCEPTED.name());
                    update.setLong(2, now);
                    update.setLong(3, deadlineAt);
                    update.setString(4, "[]");
                    update.setLong(5, now);
                    update.setString(6, key);
                    update.setString(7, JobState.FAILED.name());
                    update.setString(8, JobState.TIMED_OUT.name());
                }, JobState.ACCEPTED, now, detail, "cannot reopen job " + key);
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** A conditional UPDATE of one job row and, when it changed the row, the new state in its history: one transaction. */
    private boolean updateWithEvent(String key, String sql, Binder binder, JobState state, long now, String detail,
                                    String failure) {
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

    /** Jobs whose next step is due and that no instance has claimed yet: the status loop's backlog. */
    public long countDue(long now) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT COUNT(*) FROM job WHERE next_check_at <= ? "
                     + "AND (lease_until IS NULL OR lease_until < ?)")) {
            select.setLong(1, now);
            select.setLong(2, now);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
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

    private void appendEvent(Connection c, String key, JobState state, long at, String detail) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO job_event (job_key, state, at, detail) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, key);
            insert.setString(2, state.name());
            insert.setLong(3, at);
            insert.setString(4, truncate(detail));
            insert.executeUpdate();
        }
    }

    /** A queued request's reply destination, in the transaction that inserts its job. */
    private static void insertReplyAddress(Connection c, Job job) throws SQLException {
        ReplyAddress reply = job.getReplyTo();
        if (reply == null) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO job_reply (job_key, destination, correlation_id) VALUES (?, ?, ?)")) {
            insert.setString(1, job.getKey());
            insert.setString(2, reply.destination());
            insert.setString(3, reply.correlationId());
            insert.executeUpdate();
        }
    }

    private int bindAll(PreparedStatement s, Job job) throws SQLException {
        s.setString(1, job.getKey());
        s.setString(2, job.getProvider());
        s.setString(3, job.getState().name());
        s.setString(4, write(job.getRequest()));
        s.setString(5, job.getSource());
        s.setString(6, job.getProviderJobId());
        s.setInt(7, job.getCreateAttempts());
        s.setInt(8, job.getProviderRetries());
        s.setInt(9, job.getChecks());
        s.setInt(10, job.getTransientErrors());
        s.setInt(11, job.getDeliveryAttempts());
        setNullableLong(s, 12, job.getNextCheckAt());
        s.setLong(13, job.getDeadlineAt());
        s.setLong(14, job.getAcceptedAt());
        setNullableLong(s, 15, job.getCompletedAt());
        s.setString(16, truncate(job.getReason()));
        s.setString(17, write(job.getImageUrls()));
        s.setString(18, job.getLeaseOwner());
        setNullableLong(s, 19, job.getSubmittedAt());
        setCost(s, 20, job);
        return 22;
    }

    /** The reported cost and its unit, at {@code index} and the next. */
    private static void setCost(PreparedStatement s, int index, Job job) throws SQLException {
        if (job.getCost() == null) {
            s.setNull(index, Types.DOUBLE);
        } else {
            s.setDouble(index, job.getCost());
        }
        s.setString(index + 1, job.getCostUnit());
    }

    private List<Job> readAll(PreparedStatement select) throws SQLException {
        List<Job> jobs = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                Job job = new Job();
                job.setKey(rs.getString(1));
                job.setProvider(rs.getString(2));
                job.setState(JobState.valueOf(rs.getString(3)));
                job.setRequest(read(rs.getString(4), new TypeReference<GenerationRequest>() { }));
                job.setSource(rs.getString(5));
                job.setProviderJobId(rs.getString(6));
                job.setCreateAttempts(rs.getInt(7));
                job.setProviderRetries(rs.getInt(8));
                job.setChecks(rs.getInt(9));
                job.setTransientErrors(rs.getInt(10));
                job.setDeliveryAttempts(rs.getInt(11));
                job.setNextCheckAt(nullableLong(rs, 12));
                job.setDeadlineAt(rs.getLong(13));
                job.setAcceptedAt(rs.getLong(14));
                job.setCompletedAt(nullableLong(rs, 15));
                job.setReason(rs.getString(16));
                String urls = rs.getString(17);
                job.setImageUrls(urls == null ? List.of() : read(urls, new TypeReference<List<String>>() { }));
                job.setLeaseOwner(rs.getString(18));
                job.setSubmittedAt(nullableLong(rs, 19));
                double cost = rs.getDouble(20);
                job.setCost(rs.wasNull() ? null : cost);
                job.setCostUnit(rs.getString(21));
                job.restoreProgress(rs.getString("status_url"), nullableInt(rs, "queue_position"),
                        nullableInt(rs, "progress"));
                jobs.add(job);
            }
        }
        return jobs;
    }

    private static void setNullableLong(PreparedStatement s, int index, Long value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, value);
        }
    }

    private static void setNullableInt(PreparedStatement s, int index, Integer value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.INTEGER);
        } else {
            s.setInt(index, value);
        }
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static Long nullableLong(ResultSet rs, int index) throws SQLException {
        long value = rs.getLong(index);
        return rs.wasNull() ? null : value;
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 4000 ? text : text.substring(0, 3997) + "...";
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new JobStoreException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new JobStoreException("cannot read stored JSON", e);
        }
    }
}
