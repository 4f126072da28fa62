package org.imagegen.job;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.imagegen.delivery.DeliveryException;
import org.imagegen.disk.DiskSpace;
import org.imagegen.delivery.InlineImages;
import org.imagegen.delivery.Outbox;
import org.imagegen.delivery.SinkFile;
import org.imagegen.delivery.SinkLedger;
import org.imagegen.delivery.SinkRecord;
import org.imagegen.delivery.SinkRefusedException;
import org.imagegen.delivery.SinkState;
import org.imagegen.delivery.Sinks;
import org.imagegen.provider.CreateResult;
import org.imagegen.provider.FindResult;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ImageProvider;
import org.imagegen.provider.Providers;
import org.imagegen.provider.StatusResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every state transition of a job, in one place. The status-loop routes call these methods after each provider
 * call; each one writes the new state to the store (before anything that depends on it) and schedules the job's
 * next check. Terminal states get their manifest here; delivered jobs get theirs from {@link #delivered}.
 */
public class JobLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(JobLifecycle.class);
    /** How far a provider's clock (its created_at, in whole seconds) may be behind ours. */
    static final long CLOCK_SKEW_MS = 5_000;

    /** What the check route does after a status check. */
    public enum Next { WAIT, DELIVER, RETRY_AT_PROVIDER, DONE }

    private final JobStore store;
    private final Providers providers;
    private final PollPlanner planner;
    private final Map<String, RateLimiter> rateLimits;
    private final Outbox outbox;
    private final Clock clock;
    private final int claimBatch;
    private final long leaseMs;
    private final int maxDeliveryAttempts;
    private final Sinks sinks;
    private final SinkLedger ledger;
    private final StrandedJobs stranded;
    private final InlineImages inline;
    /** imagegen.poll.late-window and late-interval: see {@link #setLateChecks}; 0: off. */
    private long lateWindowMs;
    private long lateIntervalMs;

    public JobLifecycle(JobStore store, Providers providers, PollPlanner planner, Map<String, RateLimiter> rateLimits,
                        Outbox outbox, Clock clock, int claimBatch, Duration lease, int maxDeliveryAttempts,
                        Sinks sinks, SinkLedger ledger) {
        this.sinks = sinks;
        this.ledger = ledger;
        this.store = store;
        this.stranded = new StrandedJobs(store);
        this.providers = providers;
        this.planner = planner;
        // kept, not copied: defined providers (routes/providers/*.camel.yaml) add theirs when the context starts
        this.rateLimits = rateLimits;
        this.outbox = outbox;
        this.inline = new InlineImages(outbox);
        this.clock = clock;
        this.claimBatch = claimBatch;
        this.leaseMs = lease.toMillis();
        this.maxDeliveryAttempts = maxDeliveryAttempts;
    }

    /**
     * A generation that passes its deadline was paid for: its job becomes TIMED_OUT at the deadline (the requester
     * hears of it in time), but is checked again every {@code interval} until {@code window} after the deadline and
     * delivered if it finishes meanwhile. A zero window turns this off: TIMED_OUT is final.
     */
    public void setLateChecks(Duration window, Duration interval) {
        if (window.isNegative() || (!window.isZero() && (interval.isZero() || interval.isNegative()))) {
            throw new IllegalArgumentException("imagegen.poll.late-window must not be negative and "
                    + "imagegen.poll.late-interval must be positive (window " + window + ", interval " + interval + ")");
        }
        this.lateWindowMs = window.toMillis();
        this.lateIntervalMs = interval.toMillis();
    }

    private long now() {
        return clock.millis();
    }

    private String model(Job job) {
        return provider(job).modelOf(job.getRequest());
    }

    private long backoff(Job job, long now, int errors, Duration retryAfter) {
        if (retryAfter != null) {
            // the provider asked every caller on this key to wait, not only this job
            rateLimits.get(job.getProvider()).pauseUntil(now + retryAfter.toMillis());
        }
        return planner.afterTransientError(job.getProvider(), now, errors, millis(retryAfter));
    }

    /** A new job from an accepted request, due for submission at once. */
    public Job newJob(org.imagegen.request.GenerationRequest request, String source) {
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
        List<Job> claimed = store.claimDue(claimBatch, now, now + leaseMs, fullLanes);
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
            reschedule(job, now);
            return false;
        }
        JobAction action = action(job);
        if (action == JobAction.DELIVER || action == JobAction.EXPIRE) {
            return true;
        }
        long wait = rateLimits.get(job.getProvider()).tryAcquire(now);
        if (wait == 0) {
            return true;
        }
        reschedule(job, now + wait);
        return false;
    }

    /**
     * The provider's lane had no free thread, so the job's step did not start: the job is unchanged and due again
     * one poll interval later (a full lane frees within about that), its claim released. No error is counted: the
     * provider did nothing wrong that this job could see.
     */
    public void laneFull(Job job) {
        reschedule(job, planner.nextCheck(job.getProvider(), false, now()));
    }

    // ---- submission ------------------------------------------------------------------------------------------

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
     */
    public void markSubmitting(Job job) {
        JobState before = job.getState();
        job.setState(JobState.SUBMITTING);
        job.setCreateAttempts(job.getCreateAttempts() + 1);
        try {
            long now = now();
            store.saveWhileLeased(job, "create attempt " + job.getCreateAttempts(), now, now + leaseMs / 2);
        } catch (RuntimeException e) {
            job.setState(before);
            job.setCreateAttempts(job.getCreateAttempts() - 1);
            throw e;
        }
        job.setCreateInFlight(true);
    }

    /** The create's answer; DELIVER when it already was the finished generation (a synchronous API). */
    public Next submitted(Job job, HttpReply reply) {
        CreateResult result = provider(job).readCreate(reply);
        long now = now();
        recordCost(job, result.cost());
        switch (result.kind()) {
            case CREATED -> {
                job.setProviderJobId(result.providerJobId());
                job.setStatusUrl(result.statusUrl());
                job.setTransientErrors(0);
                job.setSubmittedAt(now);
                job.setState(JobState.SUBMITTED);
                job.setNextCheckAt(planner.firstCheck(job.getProvider(), model(job), now));
                // durable at once: a restart that forgot the generation's id could only park the job
                store.save(job, true, "generation " + result.providerJobId(), now, true, true);
                log(job, "generation " + result.providerJobId());
            }
            case NOT_CREATED_RETRY -> {
                job.setTransientErrors(job.getTransientErrors() + 1);
                transition(job, JobState.ACCEPTED, result.reason(),
                        backoff(job, now, job.getTransientErrors(), result.retryAfter()));
            }
            case UNCONFIRMED -> {
                job.setReason(result.reason());
                reschedule(job, planner.nextCheck(job.getProvider(), false, now));
            }
            case REFUSED -> finish(job, JobState.FAILED, result.reason());
            case FINISHED -> {
                return finishedAtCreate(job, result, now);
            }
        }
        return Next.WAIT;
    }

    /**
     * A synchronous API answered the create with the generation's end: no status check follows. Its images are
     * staged before the row says SUCCEEDED (see {@link #succeeded}); a failed or censored answer ends the job.
     */
    private Next finishedAtCreate(Job job, CreateResult result, long now) {
        StatusResult outcome = result.outcome();
        if (result.providerJobId() != null) {
            job.setProviderJobId(result.providerJobId());
        }
        job.setSubmittedAt(now);
        job.setTransientErrors(0);
        switch (outcome.kind()) {
            case SUCCEEDED -> {
                job.setProgress(null, 100); // as after a check that found it succeeded
                return succeeded(job, outcome.imageUrls(), now, outcome.imageUrls().size()
                        + " images in the create's answer", true);
            }
            case CENSORED -> finish(job, JobState.CENSORED, outcome.reason());
            default -> finish(job, JobState.FAILED, outcome.reason());
        }
        return Next.DONE;
    }

    /**
     * A finished generation's images: those sent inline (data: URIs) are staged at once, before the row says
     * SUCCEEDED, so the store never holds their bytes and a crash loses none; then the claim is kept and the images
     * are delivered at once (result URLs expire). An inline image that is no image fails the delivery for good.
     */
    private Next succeeded(Job job, List<String> imageUrls, long now, String detail, boolean durable) {
        try {
            job.setImageUrls(inline.stage(job, imageUrls));
        } catch (DeliveryException e) {
            if (!e.isPermanent()) {
                throw e;
            }
            job.setImageUrls(InlineImages.withoutData(imageUrls));
            job.setCompletedAt(now);
            finish(job, JobState.DELIVERY_FAILED, e.getMessage());
            return Next.DONE;
        }
        job.setCompletedAt(now);
        // if the delivery below is cut short (a crash), the loop retries it after one interval
        job.setNextCheckAt(planner.nextCheck(job.getProvider(), false, now));
        job.setState(JobState.SUCCEEDED);
        // keep the claim: the images are downloaded at once, their URLs expire
        store.save(job, true, detail, now, false, durable);
        log(job, null);
        return Next.DELIVER;
    }

    /**
     * A create whose answer was lost to a crash after its inline images were staged and recorded: the staged set is
     * that answer, so the job is SUCCEEDED and delivered from it rather than parked. False when nothing is staged.
     */
    private boolean settledFromStaging(Job job) {
        if (!outbox.loadStaged(job)) {
            return false;
        }
        job.setImageUrls(job.getStaged().stream().map(i -> "data:" + i.contentType() + ";base64,").toList());
        job.setCompletedAt(now());
        transition(job, JobState.SUCCEEDED, job.getStaged().size() + " images of the create's answer were staged"
                + " before a crash; delivering them", now());
        return true;
    }

    /** The provider reported what the generation cost: the last figure reported is the job's. */
    private void recordCost(Job job, Double cost) {
        if (cost != null) {
            job.setCost(cost);
            job.setCostUnit(provider(job).costUnit());
        }
    }

    // ---- reconciliation of a create whose answer was lost ----------------------------------------------------

    public void found(Job job, HttpReply reply) {
        if (settledFromStaging(job)) {
            return;
        }
        settle(job, provider(job).readFind(job, reply));
    }

    /** The provider cannot be searched: a person decides, rather than the bundle paying twice. */
    public void cannotReconcile(Job job) {
        if (settledFromStaging(job)) {
            return;
        }
        settle(job, FindResult.unknown(provider(job).name() + " cannot be searched for the generation"));
    }

    /**
     * A provider that cannot be searched by our key listed its latest generations. One of them is the job's only if
     * it is the single generation created since the create was sent (less {@link #CLOCK_SKEW_MS}) that no job owns,
     * the list reaches back that far, and no other create of the provider is unsettled (its generation could be
     * that one). Otherwise it stays unknown: a person decides. Never "not found": a list may lag behind.
     */
    private FindResult pickFromList(Job job, FindResult listed) {
        long sentAt = store.history(job.getKey()).stream().filter(e -> e.state() == JobState.SUBMITTING)
                .mapToLong(JobEvent::at).max().orElse(job.getAcceptedAt());
        long from = sentAt - CLOCK_SKEW_MS;
        String name = provider(job).name();
        boolean reachesBack = listed.complete() || listed.listed().stream().anyMatch(g -> g.createdAt() < from);
        if (!reachesBack) {
            return FindResult.unknown("the first " + listed.listed().size() + " generations " + name
                    + " lists do not reach back to when the create was sent");
        }
        // counted before ownership is checked: a create settled in between has its generation recorded by then
        int unsettled = store.countUnsettledCreates(job.getProvider(), job.getKey());
        List<String> candidates = listed.listed().stream().filter(g -> g.createdAt() >= from)
                .map(FindResult.Listed::id).filter(id -> !store.ownsGeneration(job.getProvider(), id)).toList();
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

    private void settle(Job job, FindResult result) {
        long now = now();
        switch (result.kind()) {
            case LISTED -> settle(job, pickFromList(job, result));
            case FOUND -> {
                job.setProviderJobId(result.providerJobId());
                transition(job, JobState.SUBMITTED, "found generation " + result.providerJobId()
                        + " after a lost create answer", now);
            }
            case NOT_FOUND -> transition(job, JobState.ACCEPTED, "the lost create never reached the provider", now);
            case RETRY_LATER -> {
                if (now >= job.getDeadlineAt()) {
                    // a search that keeps failing must not keep the job unsettled for ever
                    settle(job, FindResult.unknown("the provider could not be searched before the deadline ("
                            + result.reason() + ")"));
                } else {
                    reschedule(job, planner.nextCheck(job.getProvider(), false, now));
                }
            }
            case UNKNOWN -> finish(job, JobState.NEEDS_ATTENTION, "a create was sent but its answer was lost ("
                    + job.getReason() + "); " + result.reason() + ", so it is not sent again: check the provider's"
                    + " dashboard, then retry or drop the job");
        }
    }

    // ---- status checks -----------------------------------------------------------------------------------------

    public Next checked(Job job, StatusResult result) {
        long now = now();
        job.setChecks(job.getChecks() + 1);
        recordCost(job, result.cost());
        if (result.kind() != StatusResult.Kind.RETRY_LATER) {
            // written with this check's save, and only when it differs from the last one
            job.setProgress(result.kind() == StatusResult.Kind.QUEUED || result.kind() == StatusResult.Kind.RUNNING
                    ? result.position() : null,
                    result.kind() == StatusResult.Kind.SUCCEEDED ? Integer.valueOf(100) : result.progress());
        }
        switch (result.kind()) {
            case QUEUED, RUNNING -> {
                job.setTransientErrors(0);
                if (job.getState() == JobState.TIMED_OUT) {
                    reschedule(job, now + lateIntervalMs);
                    return Next.WAIT;
                }
                long next = planner.nextCheck(job.getProvider(), result.kind() == StatusResult.Kind.QUEUED, now);
                if (job.getState() == JobState.RUNNING) {
                    reschedule(job, next);
                } else {
                    transition(job, JobState.RUNNING, null, next);
                }
                return Next.WAIT;
            }
            case SUCCEEDED -> {
                planner.observeCompletion(job.getProvider(), model(job),
                        job.getSubmittedAt() == null ? 0 : job.getSubmittedAt(), now, job.getState() == JobState.SUBMITTED);
                return succeeded(job, result.imageUrls(), now, result.imageUrls().size() + " images"
                        + (result.reason() == null ? "" : "; " + result.reason()) + lateness(job, now), false);
            }
            case FAILED, CENSORED, ALL_MEDIA_FAILED -> {
                if (job.getState() == JobState.TIMED_OUT) {
                    endLateChecks(job, "then the generation ended " + result.kind() + ": " + result.reason());
                    return Next.DONE;
                }
                return ended(job, result);
            }
            default -> {
                job.setTransientErrors(job.getTransientErrors() + 1);
                keepTimeOutReason(job, result.reason());
                reschedule(job, backoff(job, now, job.getTransientErrors(), result.retryAfter()));
                LOG.info("job {}: check failed, next in {} ms: {}", job.getKey(),
                        job.getNextCheckAt() == null ? null : job.getNextCheckAt() - now, result.reason());
                return Next.WAIT;
            }
        }
    }

    /** A generation that ended without images before its deadline. */
    private Next ended(Job job, StatusResult result) {
        switch (result.kind()) {
            case FAILED -> {
                if (result.retryable() && job.getProviderRetries() < provider(job).maxProviderRetries()) {
                    job.setReason(result.reason());
                    return Next.RETRY_AT_PROVIDER;
                }
                finish(job, JobState.FAILED, result.reason());
                return Next.DONE;
            }
            case CENSORED -> {
                finish(job, JobState.CENSORED, result.reason());
                return Next.DONE;
            }
            default -> {
                // ALL_MEDIA_FAILED: the provider's route asks whether they were censored; if it could not, they failed
                finish(job, JobState.FAILED, result.reason());
                return Next.DONE;
            }
        }
    }

    /** The provider accepted (or refused) the retry of a failed generation. Each retry is recorded as deliberate. */
    public void retriedAtProvider(Job job, HttpReply reply) {
        if (!reply.isSuccess()) {
            finish(job, JobState.FAILED, job.getReason() + "; the retry was refused: HTTP " + reply.status()
                    + " " + reply.bodyExcerpt());
            return;
        }
        long now = now();
        job.setProviderRetries(job.getProviderRetries() + 1);
        job.setSubmittedAt(now);
        transition(job, JobState.SUBMITTED, "retry " + job.getProviderRetries() + " after: " + job.getReason(),
                planner.firstCheck(job.getProvider(), model(job), now));
    }

    /**
     * TIMED_OUT at the deadline. A generation created at the provider (it has an id there) may still finish, and is
     * paid for: with a late window, it keeps being checked (see {@link #setLateChecks}); one never created is not.
     */
    public void expire(Job job) {
        String what = job.getState() == JobState.ACCEPTED ? "was never accepted by the provider"
                : "did not finish";
        boolean late = lateWindowMs > 0 && job.getState().isAwaitingProvider() && job.getProviderJobId() != null;
        String reason = "the generation " + what + " within the deadline of "
                + Duration.ofMillis(planner.policy(job.getProvider()).deadlineMs()) + (job.getReason() == null ? "" : "; last problem: " + job.getReason());
        if (late) {
            reason += "; it is checked every " + Duration.ofMillis(lateIntervalMs) + " for "
                    + Duration.ofMillis(lateWindowMs) + " more and delivered if it finishes";
        }
        finish(job, JobState.TIMED_OUT, reason, late ? Math.min(now() + lateIntervalMs, lateEnd(job)) : null);
    }

    /** A failed check's reason becomes the job's, except for a late check: the API keeps saying why it timed out. */
    private static void keepTimeOutReason(Job job, String reason) {
        if (job.getState() != JobState.TIMED_OUT) {
            job.setReason(reason);
        }
    }

    private long lateEnd(Job job) {
        return job.getDeadlineAt() + lateWindowMs;
    }

    /** The history's note on a generation seen finished after its deadline; empty when it was in time. */
    private String lateness(Job job, long now) {
        return job.getState() == JobState.TIMED_OUT
                ? "; finished " + Math.max(0, (now - job.getDeadlineAt()) / 1000) + " s after the deadline" : "";
    }

    /**
     * No more late checks: the job stays TIMED_OUT (the requester was told so at the deadline, and is not told
     * again); its reason and manifest say what became of the generation.
     */
    private void endLateChecks(Job job, String what) {
        List<JobEvent> history = store.history(job.getKey());
        // the time-out's own reason (a failed late check may have replaced the job's reason with its own)
        String timedOut = history.stream().filter(e -> e.state() == JobState.TIMED_OUT).reduce((a, b) -> b)
                .map(JobEvent::detail).orElse(job.getReason());
        job.setReason(timedOut + "; " + what);
        job.setNextCheckAt(null);
        outbox.writeManifest(job, history);
        store.save(job, false, null, now(), true);
        LOG.info("job {}: TIMED_OUT, no more checks ({})", job.getKey(), what);
    }

    // ---- delivery ------------------------------------------------------------------------------------------------

    /**
     * Start of a delivery step. The job's selected sinks get their ledger rows (once); images staged completely by
     * an earlier attempt are reused, so a sink retried later never needs the provider's (expiring) URLs again.
     * Returns true when the images must be downloaded now (counted as a delivery attempt).
     */
    public boolean startDelivery(Job job) {
        ledger.ensure(job.getKey(), job.getRequest().sinks(), now());
        if (outbox.loadStaged(job) || selectedSinks(job).stream().allMatch(r -> r.state() == SinkState.DELIVERED)) {
            return false;
        }
        job.getStaged().clear();
        outbox.forgetSealedManifest(job);
        job.setDeliveryAttempts(job.getDeliveryAttempts() + 1);
        return true;
    }

    /** Every image is staged: recorded, so that later tries of any sink deliver these files. */
    public void staged(Job job) {
        outbox.recordStaged(job);
    }

    /** The job's sinks that are due now (PENDING and their next try has come); sinks no longer configured fail. */
    public List<String> dueSinks(Job job) {
        long now = now();
        // the images may have taken long to download (or this instance was paused meanwhile): if the claim ran out,
        // another instance may have delivered them already, so nothing is written to any sink
        store.confirmLease(job, now);
        List<String> due = new ArrayList<>();
        for (SinkRecord r : selectedSinks(job)) {
            if (r.state() != SinkState.PENDING) {
                continue;
            }
            if (!sinks.names().contains(r.sink())) {
                ledger.failed(job.getKey(), r.sink(), r.attempts(), null, null,
                        "sink '" + r.sink() + "' is no longer configured (imagegen.sinks.names)", now);
            } else if (r.nextTryAt() == null || r.nextTryAt() <= now) {
                due.add(r.sink());
            }
        }
        return due;
    }

    /**
     * What one sink receives: the staged images, then the job's one manifest. It is composed when the first sink
     * needs it and kept with the staged images, so every sink and every try gets the same bytes: state DELIVERED,
     * the states recorded so far with the job store's own times, every selected sink's location. Each sink's own
     * outcome (state, attempts, time, last error) and the time the job became DELIVERED are recorded in the job store
     * and shown by the API, not written into the copies.
     */
    public List<SinkFile> filesFor(Job job, String sink) {
        byte[] manifest = outbox.sealedManifest(job, () -> {
            Map<String, Object> locations = new LinkedHashMap<>();
            for (String name : job.getRequest().sinks()) {
                if (sinks.names().contains(name)) {
                    locations.put(name, Map.of("type", sinks.spec(name).type().name().toLowerCase(),
                            "location", sinks.location(job, name)));
                }
            }
            return outbox.manifestBytes(job, JobState.DELIVERED, store.history(job.getKey()), locations);
        });
        return sinks.files(job, sink, manifest);
    }

    public void sinkDelivered(Job job, String sink) {
        SinkRecord record = sinkRecord(job, sink);
        String location = sinks.location(job, sink);
        ledger.delivered(job.getKey(), sink, record.attempts() + 1, location, now());
        LOG.info("job {}: delivered to sink {} at {}", job.getKey(), sink, location);
    }

    /**
     * One sink's try failed: it is tried again with backoff, on its own, until imagegen.delivery.max-attempts;
     * a refusal that a retry would not change fails it at once. The other sinks are not affected.
     */
    public void sinkFailed(Job job, String sink, Exception error) {
        long now = now();
        SinkRecord record = sinkRecord(job, sink);
        // short of disk space is no fault of the sink: not counted, tried again after the provider's max backoff
        boolean noSpace = DiskSpace.isShortOfSpace(error);
        int attempts = record.attempts() + (noSpace ? 0 : 1);
        String reason = sinks.mask(describe(withoutSplitWrapper(error)));
        boolean giveUp = !noSpace && (error instanceof SinkRefusedException || attempts >= maxDeliveryAttempts);
        Long next = giveUp ? null : noSpace ? now + planner.policy(job.getProvider()).maxBackoffMs()
                : planner.afterTransientError(job.getProvider(), now, attempts, null);
        ledger.failed(job.getKey(), sink, attempts, next, sinks.names().contains(sink) ? sinks.location(job, sink) : null,
                reason, now);
        if (noSpace) {
            LOG.warn("job {}: sink {} waits for disk space (not counted as an attempt), trying again in {} ms: {}",
                    job.getKey(), sink, next - now, reason);
        } else {
            LOG.warn("job {}: sink {} attempt {} failed{}: {}", job.getKey(), sink, attempts,
                    giveUp ? ", giving up" : ", retrying in " + (next - now) + " ms", reason);
        }
    }

    /**
     * After a round of sink deliveries: DELIVERED when every selected sink has everything; otherwise the job waits
     * for its next due sink; when none is left to try and one failed, DELIVERY_FAILED (staged images kept).
     */
    public void deliveryRound(Job job) {
        List<SinkRecord> selected = selectedSinks(job);
        if (selected.stream().allMatch(r -> r.state() == SinkState.DELIVERED)) {
            delivered(job);
            return;
        }
        Long next = selected.stream().filter(r -> r.state() == SinkState.PENDING)
                .map(r -> r.nextTryAt() == null ? now() : r.nextTryAt()).min(Long::compare).orElse(null);
        List<String> failed = selected.stream().filter(r -> r.state() != SinkState.DELIVERED)
                .map(r -> r.sink() + " (" + r.lastError() + ")").toList();
        if (next != null) {
            job.setReason("waiting to retry sinks " + failed);
            reschedule(job, next);
            return;
        }
        finish(job, JobState.DELIVERY_FAILED, "delivery failed to sinks " + failed + "; delivered to "
                + selected.stream().filter(r -> r.state() == SinkState.DELIVERED).map(SinkRecord::sink).toList()
                + "; the images are kept under data/staging/" + job.getKey() + " until a retry");
    }

    public void delivered(Job job) {
        long now = now();
        job.setState(JobState.DELIVERED);
        job.setReason(null);
        job.setNextCheckAt(null);
        if (store.history(job.getKey()).stream().anyMatch(e -> e.state() == JobState.DELIVERY_FAILED
                || e.state() == JobState.TIMED_OUT)) {
            // a retried delivery (or a generation that finished after its deadline): the DELIVERY_FAILED (TIMED_OUT)
            // record in the outbox folder gives way to the job's manifest
            outbox.replaceFailureRecord(job);
        }
        // images that came inline exist only in staging until delivered: once it is cleared, a lost DELIVERED
        // (H2 writes a commit up to a second later; a crash in between) would deliver again from nothing
        boolean inline = job.getImageUrls() != null && job.getImageUrls().stream().anyMatch(InlineImages::isDataUri);
        store.save(job, true, "delivered to " + job.getRequest().sinks(), now, true, inline);
        outbox.clearStaging(job);
        log(job, null);
    }

    /**
     * An operator's retry of a DELIVERY_FAILED job (plain Java, for the HTTP API and Hawtio to call): its failed
     * sinks are tried again with fresh attempts, the sinks that have everything are left alone, and images that
     * never arrived are downloaded again. Returns false when the job is not DELIVERY_FAILED (or is claimed).
     */
    public boolean retryDelivery(String key) {
        Job job = store.find(key).orElseThrow(() -> new IllegalArgumentException("no job " + key));
        if (job.getState() != JobState.DELIVERY_FAILED) {
            return false;
        }
        long now = now();
        ledger.reopenFailed(key, now);
        boolean reopened = store.reopenForDelivery(key, now, "delivery retry requested");
        if (reopened) {
            LOG.info("job {}: DELIVERY_FAILED -> SUCCEEDED (delivery retry requested)", key);
        }
        return reopened;
    }

    // ---- operator actions of the HTTP API ----------------------------------------------------------

    /** States a cancel may stop: not SUBMITTING (a create is on its way; its generation would be lost to us). */
    public static final List<JobState> CANCELLABLE = List.of(JobState.ACCEPTED, JobState.SUBMITTED, JobState.RUNNING,
            JobState.NEEDS_ATTENTION);

    /**
     * Cancels the job: no more checks (a worker holding it loses its claim and writes nothing), and a CANCELLED
     * manifest in the outbox folder. Deleting the generation at the provider is the caller's next step. Returns
     * false when the job is not (or no longer) in a state that may be cancelled.
     */
    public boolean cancel(String key, String why) {
        long now = now();
        if (!store.cancel(key, CANCELLABLE, now, why)) {
            return false;
        }
        Job job = store.find(key).orElseThrow(() -> new IllegalStateException("job " + key + " vanished"));
        outbox.writeManifest(job, store.history(key));
        LOG.info("job {}: CANCELLED ({})", key, why);
        return true;
    }

    /**
     * An operator's retry of a FAILED or TIMED_OUT job: a new generation is created, and paid for, deliberately;
     * the history records that it was asked for. Returns false when the job is not in one of those states.
     */
    public boolean retryGeneration(String key, String why) {
        Job job = store.find(key).orElseThrow(() -> new IllegalArgumentException("no job " + key));
        long now = now();
        boolean reopened = store.reopenForGeneration(key, now, planner.deadline(job.getProvider(), now),
                why + ": a new generation (paid again)");
        if (reopened) {
            LOG.info("job {}: {} -> ACCEPTED ({}: a new generation, paid again)", key, job.getState(), why);
        }
        return reopened;
    }

    /** Per sink: type, location, state, attempts and last error; null when the job never reached delivery. */
    private Map<String, Object> sinkReport(Job job) {
        List<SinkRecord> records = selectedSinks(job);
        if (records.isEmpty()) {
            return null;
        }
        Map<String, Object> report = new LinkedHashMap<>();
        for (SinkRecord r : records) {
            Map<String, Object> entry = new LinkedHashMap<>();
            boolean configured = sinks.names().contains(r.sink());
            if (configured) {
                entry.put("type", sinks.spec(r.sink()).type().name().toLowerCase());
                entry.put("location", sinks.location(job, r.sink()));
            }
            entry.put("state", r.state().name());
            entry.put("attempts", r.attempts());
            if (r.lastError() != null && r.state() != SinkState.DELIVERED) {
                entry.put("lastError", r.lastError());
            }
            report.put(r.sink(), entry);
        }
        return report;
    }

    private List<SinkRecord> selectedSinks(Job job) {
        List<String> selected = job.getRequest().sinks();
        return ledger.of(job.getKey()).stream().filter(r -> selected.contains(r.sink())).toList();
    }

    private SinkRecord sinkRecord(Job job, String sink) {
        return ledger.of(job.getKey()).stream().filter(r -> r.sink().equals(sink)).findFirst()
                .orElseThrow(() -> new IllegalStateException("job " + job.getKey() + " has no sink " + sink));
    }

    // ---- failures of a step (transport errors, bugs): decided by the state the job was in ----------------------

    public void stepFailed(Job job, Exception error) {
        // another instance took the job over (this one's claim ran out): the job is its now, nothing to write here.
        // A bean step wraps it (RuntimeBeanExpressionException), hence the look along the causes.
        LeaseLostException leaseLost = cause(error, LeaseLostException.class);
        if (leaseLost != null) {
            LOG.warn("job {}: {}", job.getKey(), leaseLost.getMessage());
            return;
        }
        long now = now();
        String reason = describe(error);
        switch (job.getState()) {
            case SUBMITTING -> {
                if (!job.isCreateInFlight()) {
                    // the search for a create whose answer was lost failed (the provider unreachable, too slow):
                    // that says nothing about the create, so it is never a reason to send it again
                    if (now >= job.getDeadlineAt()) {
                        settle(job, FindResult.unknown("the provider could not be searched before the deadline ("
                                + reason + ")"));
                    } else {
                        reschedule(job, planner.nextCheck(job.getProvider(), false, now));
                    }
                } else if (isNeverSent(error)) {
                    // the connection was refused: the create never left, so sending it again is safe
                    job.setReason(reason);
                    job.setTransientErrors(job.getTransientErrors() + 1);
                    transition(job, JobState.ACCEPTED, reason, backoff(job, now, job.getTransientErrors(), null));
                } else {
                    job.setReason(reason);
                    LOG.warn("job {}: create sent but not answered ({}); it will be reconciled before any resend",
                            job.getKey(), reason);
                    reschedule(job, planner.nextCheck(job.getProvider(), false, now));
                }
            }
            case SUCCEEDED -> {
                if (DiskSpace.isShortOfSpace(error)) {
                    waitForSpace(job, reason, now);
                } else {
                    deliveryFailed(job, reason, now, isPermanentDeliveryFailure(error));
                }
            }
            default -> {
                job.setTransientErrors(job.getTransientErrors() + 1);
                keepTimeOutReason(job, reason);
                reschedule(job, backoff(job, now, job.getTransientErrors(), null));
                LOG.info("job {}: step failed, next try in {} ms: {}", job.getKey(), job.getNextCheckAt() - now, reason);
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
        reschedule(job, now + planner.policy(job.getProvider()).maxBackoffMs());
        LOG.warn("job {}: {}", job.getKey(), job.getReason());
    }

    private void deliveryFailed(Job job, String reason, long now, boolean permanent) {
        if (permanent || job.getDeliveryAttempts() >= maxDeliveryAttempts) {
            job.getStaged().clear();
            finish(job, JobState.DELIVERY_FAILED, "delivery failed " + job.getDeliveryAttempts()
                    + " times; images that did arrive are kept under data/staging/" + job.getKey() + "; last error: " + reason);
            return;
        }
        job.setReason(reason);
        LOG.warn("job {}: delivery attempt {} failed, retrying: {}", job.getKey(), job.getDeliveryAttempts(), reason);
        reschedule(job, backoff(job, now, job.getDeliveryAttempts(), null));
    }

    /**
     * The first exception of that type along {@code error}'s causes, or null: Camel may wrap the bean's exception (an
     * expression failed, a split failed).
     */
    private static <T extends Throwable> T cause(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /**
     * The sink routes send file by file in a split, which wraps the sink's own error ("Multicast processing failed for
     * number 0. Exchange[…]"); the operator needs the error underneath ("Cannot connect to sftp://…"). Matched by
     * name: this class stays free of Camel imports.
     */
    private static Throwable withoutSplitWrapper(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t
                && t.getClass().getName().equals("org.apache.camel.CamelExchangeException")) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean isPermanentDeliveryFailure(Throwable error) {
        DeliveryException delivery = cause(error, DeliveryException.class);
        return delivery != null && delivery.isPermanent();
    }

    private static boolean isNeverSent(Throwable error) {
        return cause(error, ConnectException.class) != null;
    }

    private static String describe(Throwable error) {
        DeliveryException delivery = cause(error, DeliveryException.class);
        if (delivery != null) {
            // already says which image, from where and why; Camel's split wrapper around it says nothing more
            return delivery.getMessage();
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    // ---- writing -------------------------------------------------------------------------------------------------

    private void transition(Job job, JobState state, String detail, long nextCheckAt) {
        boolean changed = job.getState() != state;
        JobState from = job.getState();
        job.setState(state);
        job.setNextCheckAt(nextCheckAt);
        store.save(job, changed, detail, now(), true);
        if (changed) {
            LOG.info("job {}: {} -> {}{}", job.getKey(), from, state, detail == null ? "" : " (" + detail + ")");
        }
    }

    private void reschedule(Job job, long nextCheckAt) {
        if (job.getState() == JobState.TIMED_OUT) {
            // a late check: never past the late window, and the last one comes at its end
            long now = now();
            if (now >= lateEnd(job)) {
                endLateChecks(job, "it had not finished " + Duration.ofMillis(lateWindowMs) + " after the deadline");
                return;
            }
            nextCheckAt = Math.min(nextCheckAt, lateEnd(job));
        }
        job.setNextCheckAt(nextCheckAt);
        store.save(job, false, null, now(), true);
    }

    private void finish(Job job, JobState state, String reason) {
        finish(job, state, reason, null);
    }

    /**
     * A terminal state: the manifest (with the reason) is written first, then the row; a crash in between repeats
     * both. {@code nextCheckAt}: null, except for a TIMED_OUT job checked late.
     */
    private void finish(Job job, JobState state, String reason, Long nextCheckAt) {
        long now = now();
        job.setState(state);
        job.setReason(reason);
        job.setNextCheckAt(nextCheckAt);
        outbox.writeManifest(job, historyWith(job, state, now, reason),
                state == JobState.DELIVERY_FAILED ? sinkReport(job) : null);
        store.save(job, true, reason, now, true);
        log(job, reason);
    }

    private List<JobEvent> historyWith(Job job, JobState state, long at, String detail) {
        List<JobEvent> history = new ArrayList<>(store.history(job.getKey()));
        history.add(new JobEvent(state, at, detail));
        return history;
    }

    private void log(Job job, String reason) {
        LOG.info("job {}: {}{}", job.getKey(), job.getState(), reason == null ? "" : " (" + reason + ")");
    }

    private ImageProvider provider(Job job) {
        return providers.get(job.getProvider());
    }

    private static Long millis(Duration d) {
        return d == null ? null : d.toMillis();
    }
}
