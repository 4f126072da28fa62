package org.imagegen.job;

import java.util.List;
import java.util.function.ToLongFunction;

import org.imagegen.job.JobMoves.On;
import org.imagegen.provider.FindResult;
import org.imagegen.provider.HttpReply;

/**
 * A create whose answer was lost (routes/submit-job.camel.yaml): the provider is searched for the generation before
 * anything is sent again. Found, it is the job's; never sent, the job is submitted again; unknown, a person decides
 * (NEEDS_ATTENTION) rather than the bundle paying twice.
 * <p>
 * "Never sent" is believed only of a create that has ended: its sender recorded an answer that confirmed nothing, or
 * no answer in time, or it left longer ago than its response timeout. A search made sooner, by an instance that took
 * over from one that died mid-create or by one restarted after a crash, cannot see a create still on its way; it is
 * searched again once that create can no longer arrive.
 */
public class Reconciliation extends JobStep {

    /** How far a provider's clock (its created_at, in whole seconds) may be behind ours. */
    static final long CLOCK_SKEW_MS = 5_000;

    private final JobQueries queries;
    private final ToLongFunction<String> createTimeoutMs;

    /** {@code createTimeoutMs}: how long a provider's create may take to be answered (its response timeout). */
    public Reconciliation(StepServices services, JobQueries queries, ToLongFunction<String> createTimeoutMs) {
        super(services);
        this.queries = queries;
        this.createTimeoutMs = createTimeoutMs;
    }

    public void found(Job job, HttpReply reply) {
        if (settledFromStaging(job)) {
            return;
        }
        settle(job, transitions.provider(job).readFind(job, reply));
    }

    /** The provider cannot be searched: a person decides, rather than the bundle paying twice. */
    public void cannotReconcile(Job job) {
        if (settledFromStaging(job)) {
            return;
        }
        settle(job, FindResult.unknown(transitions.provider(job).name() + " cannot be searched for the generation"));
    }

    /**
     * A provider that cannot be searched by our key listed its latest generations. One of them is the job's only if
     * it is the single generation created since the create was sent (less {@link #CLOCK_SKEW_MS}) that no job owns,
     * the list reaches back that far, and no other create of the provider is unsettled (its generation could be
     * that one). Otherwise it stays unknown: a person decides. Never "not found": a list may lag behind.
     */
    private FindResult pickFromList(Job job, FindResult listed) {
        long from = lastCreate(job).sentAt() - CLOCK_SKEW_MS;
        String name = transitions.provider(job).name();
        boolean reachesBack = listed.complete() || listed.listed().stream().anyMatch(g -> g.createdAt() < from);
        if (!reachesBack) {
            return FindResult.unknown("the first " + listed.listed().size() + " generations " + name
                    + " lists do not reach back to when the create was sent");
        }
        // counted before ownership is checked: a create settled in between has its generation recorded by then
        int unsettled = queries.countUnsettledCreates(job.getProvider(), job.getKey());
        List<String> candidates = listed.listed().stream().filter(g -> g.createdAt() >= from)
                .map(FindResult.Listed::id).filter(id -> !queries.ownsGeneration(job.getProvider(), id)).toList();
        if (unsettled > 0) {
            return FindResult.unknown(unsettled + " other " + name + " creates are unsettled too, so its generation"
                    + " list cannot tell which generation is whose (" + candidates.size() + " candidates)");
        }
        if (candidates.size() == 1) {
            return FindResult.found(candidates.get(0));
        }
        return FindResult.unknown(name + " cannot be searched by job key and its generation list shows "
                + candidates.size() + " generations created since the create was sent that no job owns");
    }

    void settle(Job job, FindResult result) {
        long now = now();
        switch (result.kind()) {
            case LISTED -> settle(job, pickFromList(job, result));
            case FOUND -> {
                job.setProviderJobId(result.providerJobId());
                transitions.transition(job, On.SEARCH, JobState.SUBMITTED, "found generation " + result.providerJobId()
                        + " after a lost create answer", now);
            }
            case NOT_FOUND -> {
                SentCreate create = lastCreate(job);
                long arrivedBy = create.sentAt() + createTimeoutMs.applyAsLong(job.getProvider());
                if (create.ended() || now >= arrivedBy) {
                    transitions.transition(job, On.SEARCH, JobState.ACCEPTED,
                            "the lost create never reached the provider", now);
                } else {
                    transitions.log(job, "not found yet: the create sent " + (now - create.sentAt())
                            + " ms ago may still be on its way; searched again once it cannot arrive any more");
                    transitions.reschedule(job, arrivedBy);
                }
            }
            case RETRY_LATER -> {
                if (now >= job.getDeadlineAt()) {
                    // a search that keeps failing must not keep the job unsettled for ever
                    settle(job, FindResult.unknown("the provider could not be searched before the deadline ("
                            + result.reason() + ")"));
                } else {
                    transitions.reschedule(job, planner.nextCheck(job.getProvider(), false, now));
                }
            }
            case UNKNOWN -> transitions.finish(job, On.SEARCH, JobState.NEEDS_ATTENTION,
                    "a create was sent but its answer was lost (" + job.getReason() + "); " + result.reason()
                    + ", so it is not sent again: check the provider's dashboard, then retry or drop the job");
        }
    }

    /** The job's latest create: when it left, and whether its sender recorded how it ended. */
    private record SentCreate(long sentAt, boolean ended) {
    }

    /**
     * The history's last create line ({@link Submission#CREATE_SENT}, written before the create leaves), and whether a
     * SUBMITTING line followed it: its sender's word that it ended unconfirmed ({@link JobTransitions#createUnconfirmed}).
     */
    private SentCreate lastCreate(Job job) {
        List<JobEvent> history = queries.history(job.getKey());
        for (int i = history.size() - 1; i >= 0; i--) {
            JobEvent line = history.get(i);
            if (line.state() == JobState.SUBMITTING && line.detail() != null
                    && line.detail().startsWith(Submission.CREATE_SENT)) {
                boolean ended = history.subList(i + 1, history.size()).stream()
                        .anyMatch(later -> later.state() == JobState.SUBMITTING);
                return new SentCreate(line.at(), ended);
            }
        }
        return new SentCreate(job.getAcceptedAt(), false);
    }

    /**
     * A create whose answer was lost to a crash after its inline images were staged and recorded: the staged set is
     * that answer, so the job is SUCCEEDED and delivered from it rather than parked. False when nothing is staged.
     */
    private boolean settledFromStaging(Job job) {
        if (!resultFolders.loadStaged(job)) {
            return false;
        }
        job.setImageUrls(job.getStaged().stream().map(i -> "data:" + i.contentType() + ";base64,").toList());
        job.setCompletedAt(now());
        transitions.transition(job, On.SEARCH, JobState.SUCCEEDED, job.getStaged().size()
                + " images of the create's answer were staged before a crash; delivering them", now());
        return true;
    }
}
