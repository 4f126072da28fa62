package org.imagegen.provider;

import org.imagegen.job.Job;
import org.imagegen.request.GenerationRequest;
import org.imagegen.request.ProviderRules;

/**
 * One provider's mapping between our model and its API (plain Java: request bodies out, answers in). The HTTP
 * itself is done by the provider's route.
 */
public interface ImageProvider extends ProviderRules {

    /** What drives a generation's duration besides the provider (a model, a speed mode): durations are learned per value. */
    String modelOf(GenerationRequest request);

    ProviderCall createCall(Job job);

    CreateResult readCreate(HttpReply reply);

    ProviderCall statusCall(Job job);

    StatusResult readStatus(HttpReply reply);

    /** A call that looks for a generation by our job key, or null when the provider cannot be searched that way. */
    ProviderCall findCall(Job job);

    FindResult readFind(Job job, HttpReply reply);

    /** Asks the provider to retry a failed generation in place, or null when it offers no such thing. */
    ProviderCall retryCall(Job job);

    /** A call that changes a failed generation before it is retried, or null for none. */
    ProviderCall updateBeforeRetryCall(Job job);

    /** How many retries of a failed generation the policy allows. */
    int maxProviderRetries();

    /** Downloads one image; the API key goes along only to the provider's own host. */
    ProviderCall downloadCall(Job job, String url);

    /** Deletes the job's generation at the provider (a cancel), or null when the provider offers no delete. */
    default ProviderCall deleteCall(Job job) {
        return null;
    }
}
