package org.imagegen.routing;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.imagegen.job.Job;
import org.imagegen.job.JobMoves;
import org.imagegen.job.JobState;
import org.imagegen.provider.CreateResult;
import org.imagegen.provider.Estimate;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ImageProvider;
import org.imagegen.provider.PacedProviders;
import org.imagegen.provider.StatusResult;
import org.imagegen.request.GenerationRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a job on its route (bean {@code fallover}; routes/submit-job.camel.yaml and routes/check-status.camel.yaml call
 * it around the provider's answer). Each method returns true when the job moved to its route's next step: the step
 * ends there, the job already written ACCEPTED at the next provider, due at once. False changes nothing: the answer
 * is recorded as for a job without a route (a job on the last step of its route, too). A create whose answer was lost
 * is never a reason to move: the job is reconciled (or parked) at its provider first, so no job is paid twice.
 */
public record Fallover(ProviderRoutes routes, Capacity capacity, Attempts attempts, PacedProviders providers,
                       Clock clock) {

    private static final Logger LOG = LoggerFactory.getLogger(Fallover.class);

    /** Before a create is sent: a provider marked down is not asked while the route has another step. */
    public boolean beforeCreate(Job job) {
        if (job.getRequest().route() == null) {
            return false;
        }
        Capacity.Verdict verdict = capacity.beforeCreate(job.getProvider());
        return verdict != null && moveOn(job, verdict, null);
    }

    /**
     * After the provider's estimate of a create, before it is sent: a balance that cannot pay it is an exhausted
     * quota, as a {@code 402} to the create would be, so a job on a route goes to the next step instead of failing.
     */
    public boolean cannotPay(Job job, Estimate estimate) {
        if (job.getRequest().route() == null || estimate == null || estimate.failure() != null
                || !estimate.unaffordable()) {
            return false;
        }
        return moveOn(job, new Capacity.Verdict(Capacity.NO_QUOTA, job.getProvider() + " cannot pay the create: "
                + estimate.shortfall(provider(job).costUnit())), null);
    }

    /** After a create's answer ({@code reply}, before the lifecycle records it). */
    public boolean afterCreate(Job job, HttpReply reply) {
        if (job.getRequest().route() == null || reply.isSuccess()) {
            // a 2xx answer is a generation (or maybe one): never a capacity refusal, and a synchronous API's answer
            // (images inline) is not read twice
            return false;
        }
        long now = clock.millis();
        String provider = job.getProvider();
        CreateResult result = provider(job).readCreate(reply);
        List<Attempts.Attempt> left = attempts.left(job.getKey());
        long stepStarted = left.isEmpty() ? job.getAcceptedAt() : left.get(left.size() - 1).endedAt();
        // waited since the first create at this step, not since the step began: time spent in our own queues (a big
        // batch under the key's rate limit) is no sign that the provider cannot take the job
        Long firstCreate = attempts.firstCreateSince(job.getKey(), stepStarted);
        Capacity.Verdict verdict = capacity.afterCreate(provider, result, reply.status(),
                job.getTransientErrors() + 1, Math.max(0, now - (firstCreate == null ? now : firstCreate)));
        if (verdict == null || !moveOn(job, verdict, result.cost(), left, now)) {
            return false;
        }
        if (result.retryAfter() != null) {
            // the provider asked every caller on this key to wait, not only this job
            providers.limiter(provider).pauseUntil(now + result.retryAfter().toMillis());
        }
        return true;
    }

    /**
     * After the search for a create whose answer was lost: the provider has no such generation, and it has failed
     * as many creates at this step as the tries allow. Only then may the job move; any other finding is settled at
     * this provider, as without a route.
     */
    public boolean afterSearch(Job job, HttpReply reply) {
        if (job.getRequest().route() == null) {
            return false;
        }
        long now = clock.millis();
        List<Attempts.Attempt> left = attempts.left(job.getKey());
        long stepStarted = left.isEmpty() ? job.getAcceptedAt() : left.get(left.size() - 1).endedAt();
        Capacity.Verdict verdict = capacity.afterSearch(job.getProvider(), provider(job).readFind(job, reply),
                attempts.createsSince(job.getKey(), stepStarted));
        return verdict != null && moveOn(job, verdict, null, left, now);
    }

    /** After a status check: a generation the provider gave up for capacity goes to the next step. */
    public boolean afterCheck(Job job, StatusResult result) {
        if (job.getRequest().route() == null || job.getState() == JobState.TIMED_OUT) {
            // a late check is about a generation that was paid for: it is never given up for another
            return false;
        }
        Capacity.Verdict verdict = capacity.afterStatus(job.getProvider(), result);
        return verdict != null && moveOn(job, verdict, result.cost());
    }

    private boolean moveOn(Job job, Capacity.Verdict verdict, Double cost) {
        return moveOn(job, verdict, cost, attempts.left(job.getKey()), clock.millis());
    }

    private boolean moveOn(Job job, Capacity.Verdict verdict, Double cost, List<Attempts.Attempt> left, long now) {
        GenerationRequest request = job.getRequest();
        List<RouteStep> steps = routes.steps(request.route());
        int step = left.size();
        if (steps == null || step + 1 >= steps.size()) {
            // the route's last step (or a route no longer configured): the answer is what it is
            return false;
        }
        RouteStep next = steps.get(step + 1);
        ImageProvider at = provider(job);
        long started = left.isEmpty() ? job.getAcceptedAt() : left.get(left.size() - 1).endedAt();
        Attempts.Attempt attempt = new Attempts.Attempt(step, job.getProvider(), at.modelOf(request),
                verdict.outcome(), verdict.reason(), cost, cost == null ? null : at.costUnit(), started, now);
        GenerationRequest moved = request.atStep(next.provider(), next.model());
        String detail = "route " + request.route() + ": step " + (step + 2) + " of " + steps.size() + ", "
                + next + ", because " + verdict.reason();
        // checked before anything is written, like every other move of a job
        JobMoves.check(job, JobMoves.On.ROUTE, JobState.ACCEPTED);
        attempts.moveOn(job, attempt, moved, detail, now);
        job.setProvider(next.provider());
        job.setRequest(moved);
        job.setState(JobState.ACCEPTED);
        job.setProviderJobId(null);
        job.setTransientErrors(0);
        job.setNextCheckAt(now);
        job.setReason(detail);
        job.setLeaseOwner(null);
        LOG.info("job {}: {} -> {} ({})", job.getKey(), attempt.provider(), next, detail);
        return true;
    }

    /** What the manifest and the API list as the job's attempts (see {@link Attempts#report}). */
    public List<Map<String, Object>> report(Job job, JobState state) {
        String model;
        try {
            model = provider(job).modelOf(job.getRequest());
        } catch (IllegalArgumentException e) {
            model = job.getRequest().model(); // a provider no longer configured
        }
        return attempts.report(job, state, model);
    }

    private ImageProvider provider(Job job) {
        return providers.get(job.getProvider());
    }
}
