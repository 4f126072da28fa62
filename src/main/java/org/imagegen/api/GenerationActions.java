package org.imagegen.api;

import java.util.List;
import java.util.Map;

import org.imagegen.job.Job;
import org.imagegen.job.JobEvent;
import org.imagegen.job.JobState;
import org.imagegen.job.OperatorActions;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ProviderCall;
import org.imagegen.provider.Providers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's actions over the HTTP API: retry a generation (its delivery, or a new generation paid again) and
 * cancel it (the delete at the provider is the route's next call). Each answers with the generation's view.
 */
public record GenerationActions(GenerationViews views, OperatorActions jobs, Providers providers) {

    private static final Logger LOG = LoggerFactory.getLogger(GenerationActions.class);

    // ---- POST /api/generations/{id}/retry ---------------------------------------------------------------------

    /**
     * DELIVERY_FAILED: the failed sinks are tried again (nothing is paid again). FAILED or TIMED_OUT: a new
     * generation is created at the provider - paid again, deliberately, and recorded in the job's history.
     */
    public ApiReply retry(String id) {
        return retry(id, "retry requested over the HTTP API");
    }

    /** {@link #retry(String)} for any operator's tool: {@code origin} ("retry requested from ...") goes into the history. */
    public ApiReply retry(String id, String origin) {
        Job job = views.find(id);
        boolean reopened = switch (job.getState()) {
            case DELIVERY_FAILED -> jobs.retryDelivery(id, origin);
            case FAILED, TIMED_OUT -> jobs.retryGeneration(id, origin);
            default -> throw ApiProblem.conflict("generation '" + id + "' is " + job.getState()
                    + "; only " + OperatorActions.RETRYABLE + " ones can be retried");
        };
        if (!reopened) {
            throw ApiProblem.conflict("generation '" + id + "' changed while the retry was asked for (now "
                    + views.find(id).getState() + "); ask again if it still needs one");
        }
        return new ApiReply(202, ApiReply.JSON, ApiJson.url(id), ApiJson.write(views.view(views.find(id))));
    }

    // ---- DELETE /api/generations/{id} -------------------------------------------------------------------------

    /**
     * Cancels the job (no more checks) and returns the call that deletes its generation at the provider, or null
     * when there is none to delete (not created yet) or the provider offers no delete.
     */
    public ProviderCall cancel(String id) {
        return cancel(id, "cancelled over the HTTP API");
    }

    /** {@link #cancel(String)} for any operator's tool: {@code origin} ("cancelled from ...") goes into the history. */
    public ProviderCall cancel(String id, String origin) {
        Job job = views.find(id);
        if (!OperatorActions.CANCELLABLE.contains(job.getState())) {
            throw ApiProblem.conflict("generation '" + id + "' is " + job.getState() + "; only "
                    + OperatorActions.CANCELLABLE + " ones can be cancelled"
                    + (job.getState() == JobState.SUBMITTING ? " (a create is being sent: ask again in a moment)" : ""));
        }
        if (!jobs.cancel(id, origin)) {
            throw ApiProblem.conflict("generation '" + id + "' changed while the cancel was asked for (now "
                    + views.find(id).getState() + ")");
        }
        return job.getProviderJobId() == null ? null : providers.get(job.getProvider()).deleteCall(job);
    }

    /** The answer to a cancel: the job, and what became of the delete at the provider. */
    public ApiReply cancelled(String id, ProviderCall delete, HttpReply reply, String error) {
        Job job = views.find(id);
        String outcome;
        if (delete == null) {
            boolean created = job.getProviderJobId() != null;
            List<JobEvent> history = views.history(id);
            // NEEDS_ATTENTION without an id: a create went out and its answer was lost
            boolean unknown = !created && history.size() >= 2
                    && history.get(history.size() - 2).state() == JobState.NEEDS_ATTENTION;
            outcome = created ? "not offered by " + job.getProvider()
                    : unknown ? "not deleted: a create was sent but its answer was lost, so the generation's id is "
                    + "unknown; check the provider's dashboard"
                    : "nothing to delete: no generation was created";
        } else if (reply != null && reply.isSuccess()) {
            outcome = "deleted";
        } else {
            outcome = "not deleted: " + (reply != null ? "HTTP " + reply.status() + " " + reply.bodyExcerpt() : error);
            LOG.warn("job {}: cancelled, but its generation {} was {}", id, job.getProviderJobId(), outcome);
        }
        Map<String, Object> answer = views.view(job);
        answer.put("providerDelete", outcome);
        return ApiReply.json(200, ApiJson.write(answer));
    }
}
