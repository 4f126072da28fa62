package org.imagegen.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.imagegen.delivery.InlineImages;
import org.imagegen.delivery.SinkFile;
import org.imagegen.delivery.SinkLedger;
import org.imagegen.delivery.SinkRecord;
import org.imagegen.delivery.SinkRefusedException;
import org.imagegen.delivery.SinkState;
import org.imagegen.delivery.Sinks;
import org.imagegen.disk.DiskSpace;
import org.imagegen.job.JobMoves.On;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery of a finished generation (routes/deliver-images.camel.yaml): its images staged once, then each selected
 * sink tried on its own (with its own retries, recorded in the sink ledger), then DELIVERED when every sink has
 * everything, or DELIVERY_FAILED when none is left to try.
 */
public class JobDelivery extends JobStep {

    private static final Logger LOG = LoggerFactory.getLogger(JobDelivery.class);

    private final JobStore store;
    private final JobQueries queries;
    private final JobClaims claims;
    private final Sinks sinks;
    private final SinkLedger ledger;
    private final DeliveryReport report;
    private final int maxDeliveryAttempts;

    public JobDelivery(StepServices services, JobStore store, JobQueries queries, JobClaims claims,
                       DeliveryReport report, int maxDeliveryAttempts) {
        super(services);
        this.store = store;
        this.queries = queries;
        this.claims = claims;
        this.sinks = report.sinks();
        this.ledger = report.ledger();
        this.report = report;
        this.maxDeliveryAttempts = maxDeliveryAttempts;
    }

    /**
     * Start of a delivery step. The job's selected sinks get their ledger rows (once); images staged completely by
     * an earlier attempt are reused, so a sink retried later never needs the provider's (expiring) URLs again.
     * Returns true when the images must be downloaded now (counted as a delivery attempt).
     */
    public boolean startDelivery(Job job) {
        ledger.ensure(job.getKey(), job.getRequest().sinks(), now());
        if (resultFolders.loadStaged(job)
                || report.selectedSinks(job).stream().allMatch(r -> r.state() == SinkState.DELIVERED)) {
            return false;
        }
        job.getStaged().clear();
        resultFolders.forgetSealedManifest(job);
        job.setDeliveryAttempts(job.getDeliveryAttempts() + 1);
        return true;
    }

    /** Every image is staged: recorded, so that later tries of any sink deliver these files. */
    public void staged(Job job) {
        resultFolders.recordStaged(job);
    }

    /** The job's sinks that are due now (PENDING and their next try has come); sinks no longer configured fail. */
    public List<String> dueSinks(Job job) {
        long now = now();
        // the images may have taken long to download (or this instance was paused meanwhile): if the claim ran out,
        // another instance may have delivered them already, so nothing is written to any sink
        claims.confirmLease(job, now);
        List<String> due = new ArrayList<>();
        for (SinkRecord r : report.selectedSinks(job)) {
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
        byte[] manifest = resultFolders.sealedManifest(job, () -> {
            Map<String, Object> locations = new LinkedHashMap<>();
            for (String name : job.getRequest().sinks()) {
                if (sinks.names().contains(name)) {
                    locations.put(name, Map.of("type", sinks.spec(name).type().name().toLowerCase(),
                            "location", sinks.location(job, name)));
                }
            }
            return resultFolders.manifestBytes(job, JobState.DELIVERED, queries.history(job.getKey()), locations);
        });
        return sinks.files(job, sink, manifest);
    }

    public void sinkDelivered(Job job, String sink) {
        SinkRecord record = report.sinkRecord(job, sink);
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
        SinkRecord record = report.sinkRecord(job, sink);
        // short of disk space is no fault of the sink: not counted, tried again after the provider's max backoff
        boolean noSpace = DiskSpace.isShortOfSpace(error);
        int attempts = record.attempts() + (noSpace ? 0 : 1);
        String reason = sinks.mask(StepErrors.describe(StepErrors.withoutSplitWrapper(error)));
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
        List<SinkRecord> selected = report.selectedSinks(job);
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
            transitions.reschedule(job, next);
            return;
        }
        transitions.finish(job, On.DELIVERY, JobState.DELIVERY_FAILED, "delivery failed to sinks " + failed
                + "; delivered to "
                + selected.stream().filter(r -> r.state() == SinkState.DELIVERED).map(SinkRecord::sink).toList()
                + "; the images are kept under data/staging/" + job.getKey() + " until a retry");
    }

    public void delivered(Job job) {
        long now = now();
        JobMoves.enter(job, On.DELIVERY, JobState.DELIVERED);
        job.setReason(null);
        job.setNextCheckAt(null);
        if (queries.history(job.getKey()).stream().anyMatch(e -> e.state() == JobState.DELIVERY_FAILED
                || e.state() == JobState.TIMED_OUT)) {
            // a retried delivery (or a generation that finished after its deadline): the DELIVERY_FAILED (TIMED_OUT)
            // record in the outbox folder gives way to the job's manifest
            resultFolders.replaceFailureRecord(job);
        }
        // images that came inline exist only in staging until delivered: once it is cleared, a lost DELIVERED
        // (H2 writes a commit up to a second later; a crash in between) would deliver again from nothing
        boolean inline = job.getImageUrls() != null && job.getImageUrls().stream().anyMatch(InlineImages::isDataUri);
        store.save(job, Save.withEvent("delivered to " + job.getRequest().sinks()).durably(inline), now);
        resultFolders.clearStaging(job);
        transitions.log(job, null);
    }
}
