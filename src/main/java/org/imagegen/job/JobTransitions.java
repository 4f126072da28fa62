package org.imagegen.job;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.imagegen.delivery.DeliveryException;
import org.imagegen.delivery.InlineImages;
import org.imagegen.delivery.ResultFolders;
import org.imagegen.provider.ImageProvider;
import org.imagegen.provider.PacedProviders;
import org.imagegen.spend.Prices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a job moves, in one place: every step ({@link Submission}, {@link Reconciliation}, {@link StatusChecks},
 * {@link JobDelivery}, {@link StepFailures}) decides from its event which move to make, and makes it here. Each move
 * is checked against the state machine ({@link JobMoves}) before anything is written; then it writes the job's new
 * state to the store before anything that depends on it happens:
 * <ul>
 * <li>{@link #transition}: a new state and the next check, with a line in the job's history;</li>
 * <li>{@link #reschedule}: the same state, checked again later (never past a late check's window);</li>
 * <li>{@link #succeeded}: the generation's images (inline ones staged first), the claim kept for the delivery;</li>
 * <li>{@link #finish}: a terminal state, its manifest in the outbox folder first, then the row;</li>
 * <li>{@link #endLateChecks}: a TIMED_OUT job that is no longer checked.</li>
 * </ul>
 * The claim is released by every move but {@link #succeeded} (the step goes straight on).
 */
public class JobTransitions {

    private static final Logger LOG = LoggerFactory.getLogger(JobTransitions.class);

    private final JobStore store;
    private final JobQueries queries;
    private final PacedProviders providers;
    private final PollPlanner planner;
    private final ResultFolders resultFolders;
    private final InlineImages inline;
    private final DeliveryReport report;
    private final Clock clock;
    /** imagegen.poll.late-window and late-interval: see {@link #setLateChecks}; 0: off. */
    private long lateWindowMs;
    private long lateIntervalMs;
    /** imagegen.providers.<name>.price*: what a generation that finished with no reported cost is recorded at. */
    private Prices prices = Prices.none();

    public JobTransitions(JobStore store, JobQueries queries, PacedProviders providers, PollPlanner planner,
                          ResultFolders resultFolders, DeliveryReport report, Clock clock) {
        this.store = store;
        this.queries = queries;
        this.providers = providers;
        this.planner = planner;
        this.resultFolders = resultFolders;
        this.inline = resultFolders == null ? null : new InlineImages(resultFolders);
        this.report = report;
        this.clock = clock;
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

    /** The configured prices of providers that report no cost (see {@link Prices}). */
    public void setPrices(Prices prices) {
        this.prices = prices;
    }

    /**
     * The job's late-check window after the deadline (0: TIMED_OUT is final): imagegen.poll.late-window, shortened to
     * its provider's result lifetime where the provider declares one (checks past what it keeps are asked in vain).
     */
    long lateWindowMs(Job job) {
        Long lifetime = provider(job).resultLifetimeMs();
        return lifetime == null ? lateWindowMs : Math.min(lateWindowMs, lifetime);
    }

    /** The job's late window as its history says it: the duration, and when it is the provider's, so. */
    String lateWindowText(Job job) {
        long window = lateWindowMs(job);
        return Duration.ofMillis(window) + (window < lateWindowMs ? " (" + job.getProvider() + "'s result lifetime)" : "");
    }

    long lateIntervalMs() {
        return lateIntervalMs;
    }

    long now() {
        return clock.millis();
    }

    String model(Job job) {
        return provider(job).modelOf(job.getRequest());
    }

    /** The job was admitted to call its provider, but made no call: its rate limit token goes back. */
    void callNotMade(Job job) {
        providers.limiter(job.getProvider()).giveBack();
    }

    /** A call made besides the one the step was admitted for (an estimate before a create): it counts too. */
    void callMade(Job job) {
        providers.limiter(job.getProvider()).charge(now());
    }

    long backoff(Job job, long now, int errors, Duration retryAfter) {
        if (retryAfter != null) {
            // the provider asked every caller on this key to wait, not only this job
            providers.limiter(job.getProvider()).pauseUntil(now + retryAfter.toMillis());
        }
        return planner.afterTransientError(job.getProvider(), now, errors, millis(retryAfter));
    }

    /**
     * A finished generation's images: those sent inline (data: URIs) are staged at once, before the row says
     * SUCCEEDED, so the store never holds their bytes and a crash loses none; then the claim is kept and the images
     * are delivered at once (result URLs expire). An inline image that is no image fails the delivery for good.
     */
    NextStep succeeded(Job job, JobMoves.On on, List<String> imageUrls, long now, String detail, boolean durable) {
        JobMoves.check(job, on, JobState.SUCCEEDED);
        try {
            job.setImageUrls(inline.stage(job, imageUrls));
        } catch (DeliveryException e) {
            if (!e.isPermanent()) {
                throw e;
            }
            job.setImageUrls(InlineImages.withoutData(imageUrls));
            job.setCompletedAt(now);
            finish(job, on, JobState.DELIVERY_FAILED, e.getMessage());
            return NextStep.DONE;
        }
        job.setCompletedAt(now);
        priceIfUnreported(job);
        // if the delivery below is cut short (a crash), the loop retries it after one interval
        job.setNextCheckAt(planner.nextCheck(job.getProvider(), false, now));
        job.setState(JobState.SUCCEEDED);
        // keep the claim: the images are downloaded at once, their URLs expire
        store.save(job, Save.withEvent(detail).keepingClaim().durably(durable), now);
        log(job, null);
        return NextStep.DELIVER;
    }

    /** The provider reported what the generation cost: the last figure reported is the job's. */
    void recordCost(Job job, Double cost) {
        if (cost != null) {
            job.setCost(cost);
            job.setCostUnit(provider(job).costUnit());
            job.setCostSource("reported");
            job.setCostModel(model(job));
        }
    }

    /**
     * A generation that finished without a reported cost is recorded at its configured price, if it has one (its
     * images times the price, or the price per generation); saved with the SUCCEEDED row, so it is recorded once.
     */
    private void priceIfUnreported(Job job) {
        if (job.getCost() != null) {
            return;
        }
        String model = model(job);
        Prices.Cost configured = prices.configured(job.getProvider(), model, job.getImageUrls().size());
        if (configured != null) {
            job.setCost(configured.amount());
            job.setCostUnit(configured.unit());
            job.setCostSource("configured");
            job.setCostModel(model);
        }
    }

    /** A failed check's reason becomes the job's, except for a late check: the API keeps saying why it timed out. */
    static void keepTimeOutReason(Job job, String reason) {
        if (job.getState() != JobState.TIMED_OUT) {
            job.setReason(reason);
        }
    }

    long lateEnd(Job job) {
        return job.getDeadlineAt() + lateWindowMs(job);
    }

    /** The history's note on a generation seen finished after its deadline; empty when it was in time. */
    String lateness(Job job, long now) {
        return job.getState() == JobState.TIMED_OUT
                ? "; finished " + Math.max(0, (now - job.getDeadlineAt()) / 1000) + " s after the deadline" : "";
    }

    /**
     * No more late checks: the job stays TIMED_OUT (the requester was told so at the deadline, and is not told
     * again); its reason and manifest say what became of the generation.
     */
    void endLateChecks(Job job, String what) {
        JobMoves.checkStay(job);
        List<JobEvent> history = queries.history(job.getKey());
        // the time-out's own reason (a failed late check may have replaced the job's reason with its own)
        String timedOut = history.stream().filter(e -> e.state() == JobState.TIMED_OUT).reduce((a, b) -> b)
                .map(JobEvent::detail).orElse(job.getReason());
        job.setReason(timedOut + "; " + what);
        job.setNextCheckAt(null);
        resultFolders.writeManifest(job, history);
        store.save(job, Save.withoutEvent(), now());
        LOG.info("job {}: TIMED_OUT, no more checks ({})", job.getKey(), what);
    }

    void transition(Job job, JobMoves.On on, JobState state, String detail, long nextCheckAt) {
        boolean changed = job.getState() != state;
        JobState from = job.getState();
        JobMoves.enter(job, on, state);
        if (changed && state == JobState.SUCCEEDED) {
            // a create's answer settled from what was staged before a crash
            priceIfUnreported(job);
        }
        job.setNextCheckAt(nextCheckAt);
        store.save(job, changed ? Save.withEvent(detail) : Save.withoutEvent(), now());
        if (changed) {
            LOG.info("job {}: {} -> {}{}", job.getKey(), from, state, detail == null ? "" : " (" + detail + ")");
        }
    }

    void reschedule(Job job, long nextCheckAt) {
        JobMoves.checkStay(job);
        if (job.getState() == JobState.TIMED_OUT) {
            // a late check: never past the late window, and the last one comes at its end
            long now = now();
            if (now >= lateEnd(job)) {
                endLateChecks(job, "it had not finished " + lateWindowText(job) + " after the deadline");
                return;
            }
            nextCheckAt = Math.min(nextCheckAt, lateEnd(job));
        }
        job.setNextCheckAt(nextCheckAt);
        store.save(job, Save.withoutEvent(), now());
    }

    /** A running generation's queue position or progress moved on (see {@link Progress}): the state stays RUNNING. */
    void progressed(Job job, String detail, long nextCheckAt) {
        JobMoves.checkStay(job);
        job.setNextCheckAt(nextCheckAt);
        store.save(job, Save.withEvent(detail), now());
    }

    /**
     * The create's sender learned that it may not have been made (an answer that confirms nothing, or none in time):
     * a line in the history, so that a later search that finds nothing is believed at once rather than taken for a
     * create still on its way (see {@link Reconciliation}).
     */
    void createUnconfirmed(Job job, String reason, long nextCheckAt) {
        JobMoves.checkStay(job);
        job.setReason(reason);
        job.setNextCheckAt(nextCheckAt);
        store.save(job, Save.withEvent("create unconfirmed: " + reason), now());
    }

    void finish(Job job, JobMoves.On on, JobState state, String reason) {
        finish(job, on, state, reason, null);
    }

    /**
     * A terminal state: the manifest (with the reason) is written first, then the row; a crash in between repeats
     * both. {@code nextCheckAt}: null, except for a TIMED_OUT job checked late.
     */
    void finish(Job job, JobMoves.On on, JobState state, String reason, Long nextCheckAt) {
        JobMoves.enter(job, on, state);
        long now = now();
        job.setReason(reason);
        job.setNextCheckAt(nextCheckAt);
        resultFolders.writeManifest(job, historyWith(job, state, now, reason),
                state == JobState.DELIVERY_FAILED ? report.sinkReport(job) : null);
        store.save(job, Save.withEvent(reason), now);
        log(job, reason);
    }

    private List<JobEvent> historyWith(Job job, JobState state, long at, String detail) {
        List<JobEvent> history = new ArrayList<>(queries.history(job.getKey()));
        history.add(new JobEvent(state, at, detail));
        return history;
    }

    void log(Job job, String reason) {
        LOG.info("job {}: {}{}", job.getKey(), job.getState(), reason == null ? "" : " (" + reason + ")");
    }

    ImageProvider provider(Job job) {
        return providers.get(job.getProvider());
    }

    private static Long millis(Duration d) {
        return d == null ? null : d.toMillis();
    }
}
