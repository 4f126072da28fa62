package org.imagegen.job;

import java.time.Duration;

import org.imagegen.job.JobMoves.On;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.StatusResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Status checks (routes/check-status.camel.yaml): what a check's answer does to the job (wait, deliver, retry at the
 * provider, end), a retry at the provider, and the deadline. A generation past its deadline may still be checked
 * late (see {@link JobTransitions#setLateChecks}).
 */
public class StatusChecks extends JobStep {

    private static final Logger LOG = LoggerFactory.getLogger(StatusChecks.class);

    public StatusChecks(StepServices services) {
        super(services);
    }

    public NextStep checked(Job job, StatusResult result) {
        long now = now();
        job.setChecks(job.getChecks() + 1);
        transitions.recordCost(job, result.cost());
        String progressed = null;
        if (result.kind() != StatusResult.Kind.RETRY_LATER) {
            Integer positionBefore = job.getPosition();
            Integer progressBefore = job.getProgress();
            // written with this check's save, and only when it differs from the last one
            job.setProgress(result.kind() == StatusResult.Kind.QUEUED || result.kind() == StatusResult.Kind.RUNNING
                    ? result.position() : null,
                    result.kind() == StatusResult.Kind.SUCCEEDED ? Integer.valueOf(100) : result.progress());
            progressed = Progress.worthAnEvent(positionBefore, progressBefore, job.getPosition(), job.getProgress());
        }
        switch (result.kind()) {
            case QUEUED, RUNNING -> {
                job.setTransientErrors(0);
                if (job.getState() == JobState.TIMED_OUT) {
                    transitions.reschedule(job, now + transitions.lateIntervalMs());
                    return NextStep.WAIT;
                }
                long next = planner.nextCheck(job.getProvider(), result.kind() == StatusResult.Kind.QUEUED, now);
                if (job.getState() != JobState.RUNNING) {
                    transitions.transition(job, On.CHECK, JobState.RUNNING, progressed, next);
                } else if (progressed != null) {
                    // a line in the history, and an event where RUNNING is announced (imagegen.events.states)
                    transitions.progressed(job, progressed, next);
                } else {
                    transitions.reschedule(job, next);
                }
                return NextStep.WAIT;
            }
            case SUCCEEDED -> {
                planner.observeCompletion(job.getProvider(), transitions.model(job),
                        job.getSubmittedAt() == null ? 0 : job.getSubmittedAt(), now,
                        job.getNextCheckAt() == null ? now : job.getNextCheckAt(), job.getState() == JobState.SUBMITTED);
                return transitions.succeeded(job, On.CHECK, result.imageUrls(), now, result.imageUrls().size()
                        + " images" + (result.reason() == null ? "" : "; " + result.reason())
                        + transitions.lateness(job, now), false);
            }
            case FAILED, CENSORED -> {
                if (job.getState() == JobState.TIMED_OUT) {
                    transitions.endLateChecks(job, "then the generation ended " + result.kind() + ": " + result.reason());
                    return NextStep.DONE;
                }
                return ended(job, result);
            }
            default -> {
                job.setTransientErrors(job.getTransientErrors() + 1);
                transitions.keepTimeOutReason(job, result.reason());
                transitions.reschedule(job, transitions.backoff(job, now, job.getTransientErrors(), result.retryAfter()));
                LOG.info("job {}: check failed, next in {} ms: {}", job.getKey(),
                        job.getNextCheckAt() == null ? null : job.getNextCheckAt() - now, result.reason());
                return NextStep.WAIT;
            }
        }
    }

    /** A generation that ended without images before its deadline. */
    private NextStep ended(Job job, StatusResult result) {
        switch (result.kind()) {
            case FAILED -> {
                if (result.retryable() && job.getProviderRetries() < transitions.provider(job).maxProviderRetries()) {
                    job.setReason(result.reason());
                    return NextStep.RETRY_AT_PROVIDER;
                }
                transitions.finish(job, On.CHECK, JobState.FAILED, result.reason());
                return NextStep.DONE;
            }
            case CENSORED -> {
                transitions.finish(job, On.CHECK, JobState.CENSORED, result.reason());
                return NextStep.DONE;
            }
            default -> {
                transitions.finish(job, On.CHECK, JobState.FAILED, result.reason());
                return NextStep.DONE;
            }
        }
    }

    /** The provider accepted (or refused) the retry of a failed generation. Each retry is recorded as deliberate. */
    public void retriedAtProvider(Job job, HttpReply reply) {
        if (!reply.isSuccess()) {
            transitions.finish(job, On.RETRY_AT_PROVIDER, JobState.FAILED, job.getReason()
                    + "; the retry was refused: HTTP " + reply.status() + " " + reply.bodyExcerpt());
            return;
        }
        long now = now();
        job.setProviderRetries(job.getProviderRetries() + 1);
        job.setSubmittedAt(now);
        transitions.transition(job, On.RETRY_AT_PROVIDER, JobState.SUBMITTED, "retry " + job.getProviderRetries()
                + " after: " + job.getReason(), planner.firstCheck(job.getProvider(), transitions.model(job), now));
    }

    /**
     * TIMED_OUT at the deadline. A generation created at the provider (it has an id there) may still finish, and is
     * paid for: with a late window, it keeps being checked (see {@link JobTransitions#setLateChecks}); one never
     * created is not.
     */
    public void expire(Job job) {
        String what = job.getState() == JobState.ACCEPTED ? "was never accepted by the provider"
                : job.getState() == JobState.HELD_BUDGET ? "was held by a budget and never sent"
                : "did not finish";
        long window = transitions.lateWindowMs(job);
        boolean late = window > 0 && job.getState().isAwaitingProvider()
                && job.getProviderJobId() != null;
        String reason = "the generation " + what + " within the deadline of "
                + Duration.ofMillis(planner.policy(job.getProvider()).deadlineMs())
                + (job.getReason() == null ? "" : "; last problem: " + job.getReason());
        if (late) {
            reason += "; it is checked every " + Duration.ofMillis(transitions.lateIntervalMs()) + " for "
                    + transitions.lateWindowText(job) + " more and delivered if it finishes";
        }
        transitions.finish(job, On.DEADLINE, JobState.TIMED_OUT, reason,
                late ? Math.min(now() + transitions.lateIntervalMs(), transitions.lateEnd(job)) : null);
    }
}
