package org.imagegen.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.support.Parameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.imagegen.job.JobRows.READ_COLUMNS;
import static org.imagegen.job.JobRows.placeholders;

/**
 * Which instance works on which job: due jobs are claimed with a lease, a conditional UPDATE that only one instance
 * can win per row, which stays correct with several instances on one database and lets another instance take over
 * the jobs of one that died once its lease expires. A claimed job's saves ({@link JobStore#save}) are fenced by its
 * lease; {@link #confirmLease} checks it before a step's effects leave the bundle.
 */
public class JobClaims {

    private static final Logger LOG = LoggerFactory.getLogger(JobClaims.class);

    /**
     * Claim order, job.claim_rank (a column the database computes from the state, V19): 0 finished generations (their
     * image URLs expire), 1 checks and reconciliations, 2 creates. Each rank is read through the index on
     * (claim_rank, next_check_at, …), in the order it is taken, up to what the batch still has room for: a claim
     * reads at most a batch of rows per rank, however many are due. The ORDER BY names claim_rank too, though it is
     * fixed within a statement: H2 uses the index's order only when the ORDER BY spells out the index's columns.
     */
    static final int LAST_RANK = 2;
    /** One rank's due rows not claimed now (rank, now, now); {@link JobQueries#countDue} counts the same rows. */
    static final String DUE = "FROM job WHERE claim_rank = ? AND next_check_at <= ? "
            + "AND (lease_until IS NULL OR lease_until < ?) ";

    private final DataSource dataSource;
    private final JobRows rows;
    private final String instanceId;
    private final AtomicLong claims = new AtomicLong();
    /** Claims whose statement failed after it was sent: it may have leased rows that nobody works on. */
    private final Set<String> unansweredClaims = ConcurrentHashMap.newKeySet();
    /** Due keys the primary key could not find (see {@link #reportKeysItsPrimaryKeyCannotFind}). */
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    /** PostgreSQL: claims skip rows another instance is claiming at that moment instead of waiting for them. */
    private final boolean skipLocked;
    private final IntSupplier reopened;
    private volatile int reopenedSeen;

    public JobClaims(DataSource dataSource, ObjectMapper json, String instanceId) {
        this(dataSource, json, instanceId, () -> 0);
    }

    /**
     * {@code reopened}: how often the database was opened again after closing abruptly ({@link H2Reopens}); when it
     * changes, this instance's claims are released before the next claim.
     */
    public JobClaims(DataSource dataSource, ObjectMapper json, String instanceId, IntSupplier reopened) {
        this.reopened = reopened;
        this.reopenedSeen = reopened.getAsInt();
        this.dataSource = dataSource;
        this.rows = new JobRows(json);
        this.instanceId = instanceId;
        this.skipLocked = JobRows.databaseProduct(dataSource).contains("POSTGRESQL");
    }

    public String instanceId() {
        return instanceId;
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
                : "AND provider NOT IN (" + placeholders(skipped.size()) + ") ";
        String token = instanceId + "#" + claims.incrementAndGet();
        boolean connected = false;
        try (Connection c = dataSource.getConnection()) {
            connected = true;
            releaseUnansweredClaims(c);
            releaseClaimsLostWithTheStore(c);
            if (skipLocked) {
                return claimSkippingLocked(c, token, limit, now, leaseUntil, notSkipped, skipped);
            }
            List<String> due = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement(dueSearch(notSkipped))) {
                for (int rank = 0; rank <= LAST_RANK && due.size() < limit; rank++) {
                    bindDue(select, 1, rank, now, skipped, limit - due.size());
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            due.add(rs.getString(1));
                        }
                    }
                }
            }
            if (due.isEmpty()) {
                return List.of();
            }
            // two statements, each using an index; the UPDATE re-checks the lease, so a row another instance
            // claimed in between is simply not ours
            String keys = placeholders(due.size());
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
                int claimed = claim.executeUpdate();
                if (claimed < due.size()) {
                    reportKeysItsPrimaryKeyCannotFind(c, due);
                }
                if (claimed == 0) {
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

    /**
     * Of the keys the due search found, those the store's primary key cannot find: an H2 file a kill left with a row
     * missing from that index (what {@link H2IndexRepair} rebuilds at the next start). The claim's UPDATE finds rows
     * by their key and would pass such a job over on every tick without a word; each is reported once. A row claimed
     * or rescheduled meanwhile is found by its key and is not reported.
     */
    private void reportKeysItsPrimaryKeyCannotFind(Connection c, List<String> due) throws SQLException {
        Set<String> missing = new HashSet<>(due);
        try (PreparedStatement find = c.prepareStatement(
                "SELECT job_key FROM job WHERE job_key IN (" + placeholders(due.size()) + ")")) {
            Parameters.bind(find, due.toArray());
            try (ResultSet rs = find.executeQuery()) {
                while (rs.next()) {
                    missing.remove(rs.getString(1));
                }
            }
        }
        for (String key : missing) {
            if (unreachable.add(key)) {
                LOG.error("job {} is due, but the job store's primary key cannot find it: the store's indexes are "
                        + "damaged (an abrupt stop?) and the job cannot be claimed; a restart rebuilds the store from "
                        + "its rows", key);
            }
        }
    }

    /** Keys found due that the primary key could not find, each reported once. */
    public Set<String> unreachable() {
        return Set.copyOf(unreachable);
    }

    /**
     * After the database was opened again from its file (H2 closed it when a write failed), its rows are as H2 last
     * wrote them: the releases and state changes of the claims made before then may be gone, leaving jobs claimed by
     * this instance that nobody works on until their lease runs out. They are all released, as a restart of this
     * instance would release them: a step of one still under way finds its claim gone and writes nothing (another
     * claim takes the job on from what the store holds, as after a crash; a create is never sent without its durable
     * "being sent" mark, so such a job is reconciled, not paid again).
     */
    private void releaseClaimsLostWithTheStore(Connection c) throws SQLException {
        int now = reopened.getAsInt();
        if (now == reopenedSeen) {
            return;
        }
        try (PreparedStatement release = c.prepareStatement(
                "UPDATE job SET lease_owner = NULL, lease_until = NULL WHERE lease_owner LIKE ?")) {
            release.setString(1, instanceId + "#%");
            int released = release.executeUpdate();
            LOG.warn("the job store was opened again after it closed abruptly (its disk full?): released {} claims"
                    + " of this instance whose last writes it may have lost", released);
        }
        reopenedSeen = now;
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
        int claimed = 0;
        try (PreparedStatement claim = c.prepareStatement("UPDATE job SET lease_owner = ?, lease_until = ? "
                + "WHERE job_key IN (SELECT job_key " + DUE + notSkipped
                + "ORDER BY claim_rank, next_check_at LIMIT ? FOR UPDATE SKIP LOCKED)")) {
            claim.setString(1, token);
            claim.setLong(2, leaseUntil);
            for (int rank = 0; rank <= LAST_RANK && claimed < limit; rank++) {
                bindDue(claim, 3, rank, now, skipped, limit - claimed);
                claimed += claim.executeUpdate();
            }
        }
        if (claimed == 0) {
            return List.of();
        }
        return readClaimed(c, token);
    }

    /**
     * The search of one rank's due rows (a claim on H2 runs it per rank, then claims what it found): parameters as
     * {@link #bindDue} sets them. Package-private for the test of its plan.
     */
    static String dueSearch(String notSkipped) {
        return "SELECT job_key " + DUE + notSkipped + "ORDER BY claim_rank, next_check_at LIMIT ?";
    }

    /** Sets {@link #DUE}'s parameters, the providers skipped and the LIMIT from {@code i}. */
    private static void bindDue(PreparedStatement statement, int i, int rank, long now, List<String> skipped,
                                int limit) throws SQLException {
        statement.setInt(i++, rank);
        statement.setLong(i++, now);
        statement.setLong(i++, now);
        for (String provider : skipped) {
            statement.setString(i++, provider);
        }
        statement.setInt(i, limit);
    }

    private List<Job> readClaimed(Connection c, String token) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT " + READ_COLUMNS + " FROM job WHERE lease_owner = ? ORDER BY claim_rank, next_check_at")) {
            select.setString(1, token);
            return rows.readAll(select);
        }
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
}
