package org.imagegen.job;

import org.imagegen.disk.DiskSpace;
import org.imagegen.job.JobMoves.On;
import org.imagegen.provider.FindResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A step that failed (a transport error, the job store away, a bug: routes/error-handling.camel.yaml), decided by the
 * state the job was in: a create that may have left is reconciled, never sent again blindly; a failed delivery is
 * retried with backoff until imagegen.delivery.max-attempts; any other step is tried again with backoff.
 */
public class StepFailures extends JobStep {

    private static final Logger LOG = LoggerFactory.getLogger(StepFailures.class);

    private final Reconciliation reconciliation;
    private final int maxDeliveryAttempts;

    public StepFailures(StepServices services, Reconciliation reconciliation, int maxDeliveryAttempts) {
        super(services);
        this.reconciliation = reconciliation;
        this.maxDeliveryAttempts = maxDeliveryAttempts;
    }

    public void stepFailed(Job job, Exception error) {
        // another instance took the job over (this one's claim ran out): the job is its now, nothing to write here.
        // A bean step wraps it (RuntimeBeanExpressionException), hence the look along the causes.
        LeaseLostException leaseLost = StepErrors.cause(error, LeaseLostException.class);
        if (leaseLost != null) {
            LOG.warn("job {}: {}", job.getKey(), leaseLost.getMessage());
            return;
        }
        long now = now();
        String reason = StepErrors.describe(error);
        switch (job.getState()) {
            case SUBMITTING -> {
                if (!job.isCreateInFlight()) {
                    // the search for a create whose answer was lost failed (the provider unreachable, too slow):
                    // that says nothing about the create, so it is never a reason to send it again
                    if (now >= job.getDeadlineAt()) {
                        reconciliation.settle(job, FindResult.unknown(
                                "the provider could not be searched before the deadline (" + reason + ")"));
                    } else {
                        transitions.reschedule(job, planner.nextCheck(job.getProvider(), false, now));
                    }
                } else if (StepErrors.isNeverSent(error)) {
                    // the connection was refused: the create never left, so sending it again is safe
                    job.setReason(reason);
                    job.setTransientErrors(job.getTransientErrors() + 1);
                    transitions.transition(job, On.STEP_FAILED, JobState.ACCEPTED, reason,
                            transitions.backoff(job, now, job.getTransientErrors(), null));
                } else {
                    LOG.warn("job {}: create sent but not answered ({}); it will be reconciled before any resend",
                            job.getKey(), reason);
                    transitions.createUnconfirmed(job, reason, planner.nextCheck(job.getProvider(), false, now));
                }
            }
            case SUCCEEDED -> {
                if (DiskSpace.isShortOfSpace(error)) {
                    waitForSpace(job, reason, now);
                } else {
                    deliveryFailed(job, reason, now, StepErrors.isPermanentDeliveryFailure(error));
                }
            }
            default -> {
                job.setTransientErrors(job.getTransientErrors() + 1);
                transitions.keepTimeOutReason(job, reason);
                transitions.reschedule(job, transitions.backoff(job, now, job.getTransientErrors(), null));
                LOG.info("job {}: step failed, next try in {} ms: {}", job.getKey(), job.getNextCheckAt() - now,
                        reason);
            }
        }
    }

    /**
     * The download found the data folder short of space (or ran out of it): no fault of the images, so the attempt
     * does not count; the job waits, checked again after the provider's max backoff, until there is room.
     */
    private void waitForSpace(Job job, String reason, long now) {
        job.setDeliveryAttempts(Math.max(0, job.getDeliveryAttempts() - 1));
        job.setReason("waiting for disk space: " + reason);
        transitions.reschedule(job, now + planner.policy(job.getProvider()).maxBackoffMs());
        LOG.warn("job {}: {}", job.getKey(), job.getReason());
    }

    private void deliveryFailed(Job job, String reason, long now, boolean permanent) {
        if (permanent || job.getDeliveryAttempts() >= maxDeliveryAttempts) {
            job.getStaged().clear();
            transitions.finish(job, On.STEP_FAILED, JobState.DELIVERY_FAILED, "delivery failed "
                    + job.getDeliveryAttempts() + " times; images that did arrive are kept under data/staging/"
                    + job.getKey() + "; last error: " + reason);
            return;
        }
        job.setReason(reason);
        LOG.warn("job {}: delivery attempt {} failed, retrying: {}", job.getKey(), job.getDeliveryAttempts(), reason);
        transitions.reschedule(job, transitions.backoff(job, now, job.getDeliveryAttempts(), null));
    }
}
