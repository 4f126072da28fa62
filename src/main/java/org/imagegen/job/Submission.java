package org.imagegen.job;

import java.time.Clock;
import java.time.Duration;

import org.imagegen.job.JobMoves.On;
import org.imagegen.limit.LimitLedger;
import org.imagegen.provider.CreateResult;
import org.imagegen.provider.Estimate;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.StatusResult;
import org.imagegen.request.GenerationRequest;
import org.imagegen.spend.BudgetLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submission (routes/submit-job.camel.yaml): a new job from an accepted request, the durable "create being sent"
 * before the paid call, and the create's answer. A create whose answer was lost is {@link Reconciliation}'s.
 */
public class Submission {

    /**
     * How the history line of a create leaving begins ("create attempt 2"): the job's other SUBMITTING lines say how
     * a create ended, and a count of creates must not count them.
     */
    public static final String CREATE_SENT = "create attempt ";

    private static final Logger LOG = LoggerFactory.getLogger(Submission.class);

    private final JobStore store;
    private final JobTransitions transitions;
    private final PollPlanner planner;
    private final Clock clock;
    private final long leaseMs;
    private BudgetLedger budgets;
    private LimitLedger limits;

    public Submission(JobStore store, JobTransitions transitions, PollPlanner planner, Clock clock, Duration lease) {
        this.store = store;
        this.transitions = transitions;
        this.planner = planner;
        this.clock = clock;
        this.leaseMs = lease.toMillis();
    }

    private long now() {
        return clock.millis();
    }

    /** A new job from an accepted request, due for submission at once. */
    public Job newJob(GenerationRequest request, String source) {
        long now = now();
        Job job = new Job();
        job.setKey(request.key());
        job.setProvider(request.provider());
        job.setState(JobState.ACCEPTED);
        job.setRequest(request);
        job.setSource(source);
        job.setAcceptedAt(now);
        job.setNextCheckAt(now);
        job.setDeadlineAt(planner.deadline(request.provider(), now));
        return job;
    }

    /** The budgets every create is weighed against before it is sent (imagegen.budgets.*). */
    public void setBudgets(BudgetLedger budgets) {
        this.budgets = budgets;
    }

    /**
     * The provider limits every create is weighed against before it is sent
     * (imagegen.providers.<name>.max-concurrent, .creates-per-minute).
     */
    public void setLimits(LimitLedger limits) {
        this.limits = limits;
    }

    /**
     * Made durable before the create is sent: if the answer is lost, the job is reconciled, never re-sent blindly.
     * A create counts as "being sent" only once this write has returned: if it fails (the job store gone), no create
     * left, so the job is put back as it was and the step's error handler retries it like any failed step, instead
     * of reconciling (or parking) a create that never existed. Should the failed write have committed after all,
     * the error handler's write puts the row back too.
     * <p>
     * The write is also the claim's last check before the paid call: it is refused ({@link LeaseLostException}, and
     * no create is sent) unless this instance still holds the job's lease with at least half of it left, measured by
     * the clock at the write, not at the claim. An instance woken from a pause longer than its lease (a stop-the-world
     * pause, a frozen VM, SIGSTOP) thus drops the job even if no other instance has claimed it yet; the job, still
     * due, is claimed afresh once the lease has run out.
     * <p>
     * And it is where a create is weighed against its provider's budgets, in the same transaction
     * ({@link BudgetLedger}): a create that would pass one is not sent; the job is held (HELD_BUDGET) or refused
     * (FAILED), as imagegen.budgets.when-over says, and false is returned. Before the budgets, the create is weighed
     * against its provider's limits ({@link LimitLedger}): one that may not go yet is not sent either; the job keeps
     * its state, says why it waits, and is due again when a slot frees (false is returned).
     */
    public boolean markSubmitting(Job job) {
        JobState before = job.getState();
        JobMoves.enter(job, On.CREATE_SENT, JobState.SUBMITTING);
        job.setCreateAttempts(job.getCreateAttempts() + 1);
        if (before == JobState.HELD_BUDGET || waiting(job)) {
            job.setReason(null); // the hold's or the wait's reason, no longer true once the create leaves
        }
        long now = now();
        String route = job.getRequest().route();
        BudgetLedger.Reservation reservation = budgets == null || !budgets.applies(job.getProvider(), route) ? null
                : budgets.reservation(job.getKey(), job.getProvider(), route, transitions.model(job),
                job.getRequest().count(), now);
        LimitLedger.Admission admission = limits == null || !limits.applies(job.getProvider()) ? null
                : limits.admission(job.getProvider(), now);
        boolean sent;
        try {
            String detail = CREATE_SENT + job.getCreateAttempts();
            JobStore.SaveCondition condition = condition(admission, reservation);
            sent = condition == null ? saveWhileLeased(job, detail, now)
                    : store.saveWhileLeased(job, detail, now, now + leaseMs / 2, condition);
        } catch (RuntimeException e) {
            job.setState(before);
            job.setCreateAttempts(job.getCreateAttempts() - 1);
            throw e;
        }
        if (!sent) {
            job.setState(before);
            job.setCreateAttempts(job.getCreateAttempts() - 1);
            if (admission != null && admission.waiting() != null) {
                waitForLimit(job, admission.waiting(), now);
            } else {
                overBudget(job, reservation.over(), now);
            }
            return false;
        }
        job.setCreateInFlight(true);
        return true;
    }

    private boolean saveWhileLeased(Job job, String detail, long now) {
        store.saveWhileLeased(job, detail, now, now + leaseMs / 2);
        return true;
    }

    /** The limits first (a wait is short, a hold long), then the budgets; null when neither applies. */
    private static JobStore.SaveCondition condition(LimitLedger.Admission admission,
                                                    BudgetLedger.Reservation reservation) {
        if (admission == null) {
            return reservation == null ? null : reservation::holds;
        }
        return reservation == null ? admission::holds : c -> admission.holds(c) && reservation.holds(c);
    }

    private static boolean waiting(Job job) {
        return job.getReason() != null && job.getReason().startsWith(LimitLedger.WAITING);
    }

    /**
     * A limit of its provider's is reached: the job, as it was, says why it waits and is due again when a slot frees:
     * when the oldest create of the last minute leaves it, or, for a generation in flight, one poll interval later
     * (one ends within about that). No thread waits.
     */
    private void waitForLimit(Job job, LimitLedger.Wait wait, long now) {
        job.setReason(wait.reason());
        transitions.callNotMade(job);
        long poll = planner.nextCheck(job.getProvider(), false, now);
        transitions.reschedule(job, wait.freesAt() == null ? poll : Math.max(now, wait.freesAt()));
    }

    /**
     * Refused (FAILED, the budget named) or held: weighed again after imagegen.budgets.recheck (reservations are
     * released as jobs end uncharged), or at the period's end if that is sooner.
     */
    private void overBudget(Job job, BudgetLedger.Over over, long now) {
        if (budgets.budgets().refuses()) {
            transitions.finish(job, On.BUDGET, JobState.FAILED, "not sent: " + over.reason());
            return;
        }
        job.setReason("held: " + over.reason());
        long next = Math.min(now + budgets.budgets().recheck().toMillis(), over.periodEnd());
        if (job.getState() == JobState.HELD_BUDGET) {
            transitions.reschedule(job, next);
        } else {
            transitions.transition(job, On.BUDGET, JobState.HELD_BUDGET, job.getReason(), next);
        }
    }

    /**
     * The estimate asked before the create, whatever comes of it: its call counts against the provider key's rate
     * limit beside the create's, and one that failed (an error answer, a timeout) is logged; it holds nothing back,
     * the create goes, priced as without an estimate.
     */
    public void estimated(Job job, Estimate estimate) {
        transitions.callMade(job);
        if (estimate.failure() != null) {
            LOG.warn("job {}: {}; the create is sent all the same", job.getKey(), estimate.failure());
        }
    }

    /**
     * Whether the estimate says the balance cannot pay the create (null: no estimate was asked): then the job fails
     * at once and no create is sent. A job on a route has gone to its next step before this is asked.
     */
    public boolean unaffordable(Job job, Estimate estimate) {
        if (estimate == null || estimate.failure() != null || !estimate.unaffordable()) {
            return false;
        }
        transitions.finish(job, On.ESTIMATE, JobState.FAILED, "not sent: " + job.getProvider() + ": "
                + estimate.shortfall(transitions.provider(job).costUnit()));
        return true;
    }

    /** The create's answer; DELIVER when it already was the finished generation (a synchronous API). */
    public NextStep submitted(Job job, HttpReply reply) {
        return submitted(job, reply, null);
    }

    /**
     * The create's answer, after {@code estimate} (null: none asked): a generation made is recorded at the cost the
     * create's answer reports, else at the estimate's.
     */
    public NextStep submitted(Job job, HttpReply reply, Estimate estimate) {
        CreateResult result = transitions.provider(job).readCreate(reply);
        long now = now();
        boolean made = result.kind() == CreateResult.Kind.CREATED || result.kind() == CreateResult.Kind.FINISHED;
        transitions.recordCost(job, result.cost() == null && made && estimate != null ? estimate.cost()
                : result.cost());
        switch (result.kind()) {
            case CREATED -> {
                job.setProviderJobId(result.providerJobId());
                job.setStatusUrl(result.statusUrl());
                job.setTransientErrors(0);
                job.setSubmittedAt(now);
                JobMoves.enter(job, On.CREATE_ANSWER, JobState.SUBMITTED);
                job.setNextCheckAt(planner.firstCheck(job.getProvider(), transitions.model(job), now));
                // durable at once: a restart that forgot the generation's id could only park the job
                store.save(job, Save.withEvent("generation " + result.providerJobId()).durably(), now);
                transitions.log(job, "generation " + result.providerJobId());
            }
            case NOT_CREATED_RETRY -> {
                if (result.retryAfter() != null && limits != null && limits.applies(job.getProvider())) {
                    // the provider asked every caller on this key to wait: the other instances' creates too
                    limits.pause(job.getProvider(), now + result.retryAfter().toMillis());
                }
                job.setTransientErrors(job.getTransientErrors() + 1);
                transitions.transition(job, On.CREATE_ANSWER, JobState.ACCEPTED, result.reason(),
                        transitions.backoff(job, now, job.getTransientErrors(), result.retryAfter()));
            }
            case UNCONFIRMED -> transitions.createUnconfirmed(job, result.reason(),
                    planner.nextCheck(job.getProvider(), false, now));
            case REFUSED -> transitions.finish(job, On.CREATE_ANSWER, JobState.FAILED, result.reason());
            case FINISHED -> {
                return finishedAtCreate(job, result, now);
            }
        }
        return NextStep.WAIT;
    }

    /**
     * A synchronous API answered the create with the generation's end: no status check follows. Its images are
     * staged before the row says SUCCEEDED (see {@link JobTransitions#succeeded}); a failed or censored answer ends
     * the job.
     */
    private NextStep finishedAtCreate(Job job, CreateResult result, long now) {
        StatusResult outcome = result.outcome();
        if (result.providerJobId() != null) {
            job.setProviderJobId(result.providerJobId());
        }
        job.setSubmittedAt(now);
        job.setTransientErrors(0);
        switch (outcome.kind()) {
            case SUCCEEDED -> {
                job.setProgress(null, 100); // as after a check that found it succeeded
                return transitions.succeeded(job, On.CREATE_ANSWER, outcome.imageUrls(), now, outcome.imageUrls().size()
                        + " images in the create's answer", true);
            }
            case CENSORED -> transitions.finish(job, On.CREATE_ANSWER, JobState.CENSORED, outcome.reason());
            default -> transitions.finish(job, On.CREATE_ANSWER, JobState.FAILED, outcome.reason());
        }
        return NextStep.DONE;
    }
}
