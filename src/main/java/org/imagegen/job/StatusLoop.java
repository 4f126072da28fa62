package org.imagegen.job;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The status loop's side of a job (routes/status-loop.camel.yaml): claims the due jobs, says what each one's next
 * step is, admits it to its provider under the provider key's rate limit, and puts back the jobs whose provider's
 * lane is full or whose step could not be recorded.
 */
public class StatusLoop {

    private final JobClaims claims;
    private final StrandedJobs stranded;
    private final JobTransitions transitions;
    private final PollPlanner planner;
    private final Map<String, RateLimiter> rateLimits;
    private final Clock clock;
    private final int claimBatch;
    private final long leaseMs;
    private Predicate<Job> answeredFromList = job -> false;
    private ClaimTimer claimTimer = (jobs, nanos) -> { };

    public StatusLoop(JobClaims claims, JobStore store, JobQueries queries, JobTransitions transitions,
                      PollPlanner planner, Map<String, RateLimiter> rateLimits, Clock clock, int claimBatch,
                      Duration lease) {
        this.claims = claims;
        this.stranded = new StrandedJobs(store, queries);
        this.transitions = transitions;
        this.planner = planner;
        // kept, not copied: defined providers (routes/providers/*.camel.yaml) add theirs when the context starts
        this.rateLimits = rateLimits;
        this.clock = clock;
        this.claimBatch = claimBatch;
        this.leaseMs = lease.toMillis();
    }

    /** Which checks a provider's bulk status list answers without a call (org.imagegen.provider.StatusSweeps). */
    public void setAnsweredFromList(Predicate<Job> answeredFromList) {
        this.answeredFromList = answeredFromList;
    }

    /** Told how long each claim took in the job store (org.imagegen.observe.JobMetrics). */
    public void setClaimTimer(ClaimTimer claimTimer) {
        this.claimTimer = claimTimer;
    }

    /** How long a claim's statements took, in nanoseconds, and how many jobs it claimed. */
    public interface ClaimTimer {
        void claimed(int jobs, long nanos);
    }

    private long now() {
        return clock.millis();
    }

    public List<Job> claimDue() {
        return claimDue(List.of());
    }

    /**
     * Claims the due jobs, except those of the providers in {@code fullLanes}: their lanes have no room, so their
     * jobs stay unclaimed (and untouched) until a lane has room again.
     */
    public List<Job> claimDue(Collection<String> fullLanes) {
        stranded.writeAgain(now());
        long now = now();
        long started = System.nanoTime();
        List<Job> claimed = claims.claimDue(claimBatch, now, now + leaseMs, fullLanes);
        // the claim's statements only: their cost as the table grows is what a store full of waiting jobs risks
        claimTimer.claimed(claimed.size(), System.nanoTime() - started);
        claimed.forEach(job -> job.setClaimedAt(now));
        return claimed;
    }

    /** A step ended in failure with its job still claimed: see {@link StrandedJobs}. */
    public void stranded(Job job) {
        stranded.add(job);
    }

    public JobAction action(Job job) {
        return job.action(now());
    }

    /**
     * Whether the job's step may call its provider now, under the provider key's rate limit (and a Retry-After
     * pause). If not, the job is rescheduled for when a call will be allowed, and no thread waits for it.
     * Deliveries and expiries are always admitted: result URLs expire, and expiring calls nobody. A job that waited
     * in its provider's lane for more than half its lease (imagegen.loop.lease) is not admitted either: it is put
     * back, due at once.
     */
    public boolean admit(Job job) {
        long now = now();
        if (job.getClaimedAt() > 0 && now - job.getClaimedAt() > leaseMs / 2) {
            // it waited in its provider's lane for half its lease: the step might outlast the claim, and another
            // instance could take the job over meanwhile. It goes back, due at once, and is claimed afresh
            transitions.reschedule(job, now);
            return false;
        }
        JobAction action = action(job);
        if (action == JobAction.DELIVER || action == JobAction.EXPIRE) {
            return true;
        }
        if (action == JobAction.CHECK && answeredFromList.test(job)) {
            // the provider's bulk status list answers this check: no call is made
            return true;
        }
        long wait = rateLimits.get(job.getProvider()).tryAcquire(now);
        if (wait == 0) {
            return true;
        }
        transitions.reschedule(job, now + wait);
        return false;
    }

    /**
     * The provider's lane had no free thread, so the job's step did not start: the job is unchanged and due again
     * one poll interval later (a full lane frees within about that), its claim released. No error is counted: the
     * provider did nothing wrong that this job could see.
     */
    public void laneFull(Job job) {
        transitions.reschedule(job, planner.nextCheck(job.getProvider(), false, now()));
    }
}
