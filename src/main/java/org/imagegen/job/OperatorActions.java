package org.imagegen.job;

import java.util.List;
import java.util.stream.Stream;

import org.imagegen.delivery.SinkLedger;
import org.imagegen.job.JobMoves.On;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's actions on a job (plain Java, for the HTTP API and Hawtio to call): retry a failed delivery, cancel,
 * or retry a failed or timed-out generation (paid again, deliberately).
 */
public class OperatorActions extends JobStep {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorActions.class);

    /**
     * States a cancel may stop, as the state machine says ({@link JobMoves}): not SUBMITTING (a create is on its way;
     * its generation would be lost to us).
     */
    public static final List<JobState> CANCELLABLE = JobMoves.from(On.CANCEL, JobState.CANCELLED);
    /** States a retry may reopen: a failed delivery (tried again), a failed or timed-out generation (paid again). */
    public static final List<JobState> RETRYABLE = Stream.concat(
            JobMoves.from(On.RETRY_GENERATION, JobState.ACCEPTED).stream(),
            JobMoves.from(On.RETRY_DELIVERY, JobState.SUCCEEDED).stream()).sorted().toList();

    private final JobQueries queries;
    private final OperatorWrites writes;
    private final SinkLedger ledger;

    /** The moves of {@code services} are not used: an operator's reopening is written by {@code writes}. */
    public OperatorActions(StepServices services, JobQueries queries, OperatorWrites writes, SinkLedger ledger) {
        super(services);
        this.queries = queries;
        this.writes = writes;
        this.ledger = ledger;
    }

    /**
     * An operator's retry of a DELIVERY_FAILED job (plain Java, for the HTTP API and Hawtio to call): its failed
     * sinks are tried again with fresh attempts, the sinks that have everything are left alone, and images that
     * never arrived are downloaded again. Returns false when the job is not DELIVERY_FAILED (or is claimed).
     */
    public boolean retryDelivery(String key) {
        return reopenDelivery(key, "delivery retry requested");
    }

    /** {@link #retryDelivery(String)}, the history naming who asked ({@code why}: "retry requested from ..."). */
    public boolean retryDelivery(String key, String why) {
        return reopenDelivery(key, why + ": the failed sinks again");
    }

    private boolean reopenDelivery(String key, String detail) {
        Job job = queries.find(key).orElseThrow(() -> new IllegalArgumentException("no job " + key));
        if (job.getState() != JobState.DELIVERY_FAILED) {
            return false;
        }
        long now = now();
        ledger.reopenFailed(key, now);
        boolean reopened = writes.reopenForDelivery(key, now, detail);
        if (reopened) {
            LOG.info("job {}: DELIVERY_FAILED -> SUCCEEDED ({})", key, detail);
        }
        return reopened;
    }

    /**
     * Cancels the job: no more checks (a worker holding it loses its claim and writes nothing), and a CANCELLED
     * manifest in the outbox folder. Deleting the generation at the provider is the caller's next step. Returns
     * false when the job is not (or no longer) in a state that may be cancelled.
     */
    public boolean cancel(String key, String why) {
        long now = now();
        if (!writes.cancel(key, CANCELLABLE, now, why)) {
            return false;
        }
        Job job = queries.find(key).orElseThrow(() -> new IllegalStateException("job " + key + " vanished"));
        resultFolders.writeManifest(job, queries.history(key));
        LOG.info("job {}: CANCELLED ({})", key, why);
        return true;
    }

    /**
     * An operator's retry of a FAILED or TIMED_OUT job: a new generation is created, and paid for, deliberately;
     * the history records that it was asked for. Returns false when the job is not in one of those states.
     */
    public boolean retryGeneration(String key, String why) {
        Job job = queries.find(key).orElseThrow(() -> new IllegalArgumentException("no job " + key));
        long now = now();
        boolean reopened = writes.reopenForGeneration(key, now, planner.deadline(job.getProvider(), now),
                why + ": a new generation (paid again)");
        if (reopened) {
            LOG.info("job {}: {} -> ACCEPTED ({}: a new generation, paid again)", key, job.getState(), why);
        }
        return reopened;
    }
}
