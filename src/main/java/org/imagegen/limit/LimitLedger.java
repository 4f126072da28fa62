package org.imagegen.limit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.imagegen.job.ProviderLocks;
import org.imagegen.job.Submission;

/**
 * A provider's limits weighed in the job store (plain JDBC; the same SQL runs on H2 and PostgreSQL), in the
 * transaction of the SUBMITTING write that must precede a create, under the provider's lock row: its generations in
 * flight (jobs in SUBMITTING, SUBMITTED or RUNNING, the job being sent among them) and its creates sent in the last
 * 60 s (their job_event rows, written by the same transactions). Nothing is counted beside the jobs, so a crash or
 * a second instance leaves no count behind that disagrees with them; an instance reading after the lock sees every
 * create another instance let through before it. A 429 with Retry-After on a create pauses the provider's creates on
 * every instance ({@link #pause}), beside the pause of this instance's own calls (its rate limiter).
 */
public class LimitLedger {

    /** The sliding window of creates-per-minute. */
    public static final long MINUTE = 60_000L;

    /** How the reason of a job whose create must wait for its provider's limit begins. */
    public static final String WAITING = "waiting: ";

    private static final String IN_FLIGHT = "SELECT COUNT(*) FROM job WHERE provider = ? "
            + "AND state IN ('SUBMITTING', 'SUBMITTED', 'RUNNING')";

    /** Creates sent: a job's SUBMITTING lines that begin with {@link Submission#CREATE_SENT}. */
    private static final String CREATES_SINCE = "SELECT COUNT(*), MIN(e.at) FROM job_event e JOIN job j "
            + "ON j.job_key = e.job_key WHERE e.state = 'SUBMITTING' AND e.at > ? AND j.provider = ? "
            + "AND e.detail LIKE ?";

    /**
     * A provider's limits as the API and the metrics show them: each limit (null: none) beside what it counts now,
     * its generations in flight and its creates sent in the last 60 s, and until when a 429 paused its creates on
     * every instance (epoch ms; null: no pause, or one that has passed).
     */
    public record Status(String provider, Integer maxConcurrent, long inFlight, Integer createsPerMinute,
                         long createsLastMinute, Long pausedUntil) {
    }

    /** A create that may not go yet: why, and when a slot frees if that is known (null: when a job ends). */
    public record Wait(String reason, Long freesAt) {
    }

    /** One create weighed against its provider's limits: {@link #holds} runs in its SUBMITTING transaction. */
    public final class Admission {
        private final String provider;
        private final long now;
        private Wait wait;

        private Admission(String provider, long now) {
            this.provider = provider;
            this.now = now;
        }

        /** Locks the provider's row and counts; false (roll back, send nothing) when a limit is reached. */
        public boolean holds(Connection c) throws SQLException {
            Long pausedUntil = ProviderLocks.lock(c, provider);
            if (pausedUntil != null && pausedUntil > now) {
                wait = new Wait(WAITING + provider + " asked every caller to wait until "
                        + Instant.ofEpochMilli(pausedUntil) + " (a 429 with Retry-After)", pausedUntil);
                return false;
            }
            Integer concurrent = limits.maxConcurrent(provider);
            if (concurrent != null) {
                long inFlight = count(c, IN_FLIGHT, provider) - 1; // the job being sent is SUBMITTING already
                if (inFlight >= concurrent) {
                    wait = new Wait(WAITING + provider + " has " + inFlight + " generations in flight ("
                            + ProviderLimits.PREFIX + provider + ProviderLimits.MAX_CONCURRENT + " = " + concurrent
                            + ")", null);
                    return false;
                }
            }
            Integer perMinute = limits.createsPerMinute(provider);
            if (perMinute != null) {
                long[] sent = createsInTheMinuteBefore(c, provider, now);
                if (sent[0] >= perMinute) {
                    wait = new Wait(WAITING + provider + " had " + sent[0] + " creates in the last minute ("
                            + ProviderLimits.PREFIX + provider + ProviderLimits.CREATES_PER_MINUTE + " = "
                            + perMinute + ")", sent[1] + MINUTE);
                    return false;
                }
            }
            return true;
        }

        /** Why the create may not go yet (after {@link #holds} said no), else null. */
        public Wait waiting() {
            return wait;
        }
    }

    private final DataSource dataSource;
    private final ProviderLimits limits;

    public LimitLedger(DataSource dataSource, ProviderLimits limits) {
        this.dataSource = dataSource;
        this.limits = limits;
    }

    /** The lock row of every provider with a limit. */
    public void createLocks() {
        ProviderLocks.create(dataSource, limits.providers());
    }

    /**
     * {@code provider} (one with a limit) answered a create with a 429 and Retry-After: no instance sends it a
     * create before {@code until}.
     */
    public void pause(String provider, long until) {
        ProviderLocks.pause(dataSource, provider, until);
    }

    public ProviderLimits limits() {
        return limits;
    }

    /** Whether {@code provider} has a limit: only then is a create weighed. */
    public boolean applies(String provider) {
        return limits.applies(provider);
    }

    /** The create about to be sent to {@code provider} (one with a limit), weighed at {@code now}. */
    public Admission admission(String provider, long now) {
        return new Admission(provider, now);
    }

    /** Every provider with a limit: its {@link Status} at {@code now}, read from the job store without a lock. */
    public List<Status> status(long now) {
        List<Status> status = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            for (String provider : limits.providers()) {
                long sent = createsInTheMinuteBefore(c, provider, now)[0];
                Long paused = null;
                try (PreparedStatement select = c.prepareStatement(
                        "SELECT paused_until FROM provider_lock WHERE provider = ?")) {
                    select.setString(1, provider);
                    try (ResultSet rs = select.executeQuery()) {
                        if (rs.next()) {
                            long until = rs.getLong(1);
                            paused = rs.wasNull() || until <= now ? null : until;
                        }
                    }
                }
                status.add(new Status(provider, limits.maxConcurrent(provider), count(c, IN_FLIGHT, provider),
                        limits.createsPerMinute(provider), sent, paused));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the providers' limits from the job store", e);
        }
        return status;
    }

    /** The creates sent to {@code provider} in the 60 s before {@code now}: how many, and when the oldest was. */
    private static long[] createsInTheMinuteBefore(Connection c, String provider, long now) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(CREATES_SINCE)) {
            select.setLong(1, now - MINUTE);
            select.setString(2, provider);
            select.setString(3, Submission.CREATE_SENT + "%");
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    private static long count(Connection c, String sql, String provider) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            select.setString(1, provider);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
