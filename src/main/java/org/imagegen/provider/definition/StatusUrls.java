package org.imagegen.provider.definition;

import org.imagegen.job.Job;
import org.imagegen.provider.CreateResult;
import org.imagegen.provider.HttpReply;

/**
 * The status URL a provider returns at create (fal's status_url, BFL's polling_url): kept by the job beside the
 * provider's generation id, and where its status is asked.
 */
final class StatusUrls {

    /** The longest status URL a job keeps (its column, V11). */
    static final int MAX_STATUS_URL = 2048;
    /** The longest generation id a job keeps (its column). */
    static final int MAX_ID = 256;

    private StatusUrls() {
    }

    /**
     * A created generation of a provider that returns a status URL: the id is the provider's (webhooks and cancel
     * name it), the URL is polled as returned. Without a URL, statusPath serves when declared. Without an id, the
     * status URL stands for it (as before jobs had a status URL column): the job is checked, though a webhook or a
     * cancel by id cannot find it. Whatever does not fit the job's columns counts as "maybe created".
     */
    static CreateResult created(String provider, String id, String statusUrl, boolean hasStatusPath, HttpReply reply) {
        if (statusUrl != null && statusUrl.length() > MAX_STATUS_URL) {
            return CreateResult.unconfirmed(provider + ": the status URL (createStatusUrl) is longer than "
                    + MAX_STATUS_URL + " characters: " + reply.bodyExcerpt());
        }
        if (statusUrl == null) {
            return id != null && hasStatusPath ? CreateResult.created(id)
                    : CreateResult.unconfirmed(without(provider, reply, "a status URL (createStatusUrl)"));
        }
        if (id == null) {
            return statusUrl.length() <= MAX_ID ? CreateResult.created(statusUrl, statusUrl)
                    : CreateResult.unconfirmed(without(provider, reply, "an id (createId)"));
        }
        return CreateResult.created(id, statusUrl);
    }

    /**
     * Where the job's status is asked when the provider returned a URL for it, or null: the job's status URL; for a
     * job created before jobs had that column (a definition with createStatusUrl stored the URL as the generation
     * id), its generation id when that is an http(s) URL.
     */
    static String of(Job job, boolean fromCreate) {
        if (job.getStatusUrl() != null && !job.getStatusUrl().isBlank()) {
            return job.getStatusUrl();
        }
        String id = job.getProviderJobId();
        return fromCreate && id != null && (id.startsWith("https://") || id.startsWith("http://")) ? id : null;
    }

    static String without(String provider, HttpReply reply, String what) {
        return provider + " answered HTTP " + reply.status() + " without " + what + ": " + reply.bodyExcerpt();
    }
}
