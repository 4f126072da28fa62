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

    /** The unit of the costs this provider reports with its answers ({@code credits}, {@code USD}), or null for none. */
    default String costUnit() {
        return null;
    }

    /**
     * How long the provider keeps a finished generation's result, in milliseconds, or null when it does not say: a
     * job past its deadline is checked late for no longer than this.
     */
    default Long resultLifetimeMs() {
        return null;
    }

    CreateResult readCreate(HttpReply reply);

    /** A call that asks what the job's create will cost before it is sent, or null when the provider has none. */
    default ProviderCall estimateCall(Job job) {
        return null;
    }

    /** The answer to {@link #estimateCall}. */
    default Estimate readEstimate(HttpReply reply) {
        throw new UnsupportedOperationException(name() + " estimates no creates");
    }

    ProviderCall statusCall(Job job);

    StatusResult readStatus(HttpReply reply);

    /** A call that looks for a generation by our job key, or null when the provider cannot be searched that way. */
    ProviderCall findCall(Job job);

    FindResult readFind(Job job, HttpReply reply);

    /** Asks the provider to retry a failed generation in place, or null when it offers no such thing. */
    default ProviderCall retryCall(Job job) {
        return null;
    }

    /** A call that changes a failed generation before it is retried, or null for none. */
    default ProviderCall updateBeforeRetryCall(Job job) {
        return null;
    }

    /** How many retries of a failed generation the policy allows (none where the provider offers no retry). */
    default int maxProviderRetries() {
        return 0;
    }

    /** Downloads one image; the API key goes along only to the provider's own host. */
    ProviderCall downloadCall(Job job, String url);

    /**
     * A call to {@code url} while following a redirect of a download (the API key only to the provider's own
     * origin).
     */
    ProviderCall redirectCall(String method, String url, String body);

    /**
     * A paid call that turns an image's result URL into the URL to download (a definition's acquirePath: a purchase), or null when the
     * result URL is downloaded as it is.
     */
    default ProviderCall acquireCall(Job job, String url) {
        return null;
    }

    /**
     * The URL to download, read from the answer to {@link #acquireCall}; a refusal throws a
     * {@link org.imagegen.delivery.DeliveryException} (permanent when trying again on its own cannot help).
     */
    default String readAcquired(Job job, int number, HttpReply reply) {
        throw new UnsupportedOperationException(name() + " acquires no images");
    }

    /** How an image was got, as the manifest records it ({@code url}: the result URL as the provider gave it). */
    default String acquisition(String url) {
        return "url";
    }

    /**
     * Why a download of image {@code number} that answered {@code status} fails for good instead of being tried
     * again (a definition's acquireRefusal: no credits left), or null.
     */
    default String downloadRefusal(int status, int number) {
        return null;
    }

    /** Deletes the job's generation at the provider (a cancel), or null when the provider offers no delete. */
    default ProviderCall deleteCall(Job job) {
        return null;
    }
}
