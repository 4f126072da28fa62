package org.imagegen.api;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.imagegen.job.JobStore;
import org.imagegen.provider.AllImagesProvider;
import org.imagegen.provider.HttpReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * all-images.ai webhooks (per API key, no signature scheme): the receiver URL carries a secret path segment, and a
 * delivery only brings the named generation's next status check forward. Nothing in the payload is trusted: the
 * status loop re-reads the generation with GET. Also keeps the id of the subscription this instance holds (only the
 * cluster's leader holds one: routes/webhooks.camel.yaml) and decides which stale subscriptions go.
 */
public class ProviderWebhooks {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderWebhooks.class);

    private final JobStore store;
    private final String instanceId;
    private final AllImagesProvider allImages;
    private final String secret;
    private final Supplier<String> publicBaseUrl;
    private final Clock clock;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong broughtForward = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile String webhookId;

    public ProviderWebhooks(JobStore store, String instanceId, AllImagesProvider allImages, String secret,
                            Supplier<String> publicBaseUrl, Clock clock) {
        this.store = store;
        this.instanceId = instanceId;
        this.allImages = allImages;
        this.secret = secret;
        this.publicBaseUrl = publicBaseUrl;
        this.clock = clock;
    }

    /** POST /webhooks/all-images/{secret}: 401 for a wrong secret; otherwise 202, whether or not a job waits on it. */
    public ApiReply allImages(String presentedSecret, String body) {
        if (!Secrets.matches(presentedSecret, secret)) {
            refused.incrementAndGet();
            throw new ApiProblem(401, "Unauthorized", "unknown webhook path", null);
        }
        received.incrementAndGet();
        String generationId = AllImagesProvider.webhookGenerationId(body);
        int jobs = generationId == null ? 0 : store.bringCheckForward(AllImagesProvider.NAME, generationId, clock.millis());
        if (jobs > 0) {
            broughtForward.incrementAndGet();
        }
        LOG.debug("all-images webhook for generation {}: {} job(s) checked at once", generationId, jobs);
        return ApiReply.json(202, "{\"checkedAtOnce\":" + jobs + "}");
    }

    /** The subscribe call: this receiver's URL, secret included (never logged). */
    public org.imagegen.provider.ProviderCall subscribeCall() {
        return allImages.subscribeWebhookCall(publicBaseUrl.get().replaceAll("/+$", "") + "/webhooks/all-images/" + secret);
    }

    /** Reads the new subscription's id from the subscribe answer; returns it, to be recorded as the one in force. */
    public String subscribed(HttpReply reply) {
        webhookId = allImages.readWebhookId(reply);
        LOG.info("all-images webhooks subscribed (webhook {}): finished generations are checked at once", webhookId);
        return webhookId;
    }

    /**
     * The subscriptions to remove before this instance, the leader, holds the one in force ({@code recorded}, read
     * from the shared job store): the recorded one when it is not ours (a leader that died, or this instance before a
     * crash, left it at the provider), and ours when it is not the recorded one (another leader replaced it, or its
     * record was never written). Empty when ours is the one in force.
     */
    public List<String> toRemove(String recorded) {
        String own = webhookId;
        if (recorded != null && recorded.equals(own)) {
            return List.of();
        }
        List<String> ids = new ArrayList<>(2);
        if (recorded != null) {
            ids.add(recorded);
        }
        if (own != null) {
            ids.add(own);
        }
        return ids;
    }

    /** Whether this instance holds no subscription (after {@link #toRemove} removed any that was not in force). */
    public boolean needsSubscription() {
        return webhookId == null;
    }

    /** The unsubscribe call for one subscription. */
    public org.imagegen.provider.ProviderCall unsubscribeCall(String id) {
        return allImages.unsubscribeWebhookCall(id);
    }

    /**
     * The answer to unsubscribing {@code id}: gone (2xx) or unknown to the provider both mean it no longer posts
     * there. all-images documents {@code 400} as this call's error answer (an unknown or already removed id), and
     * {@code 404} would say the same; anything else (401, 429, 5xx) leaves it in place, to be tried again.
     */
    public void unsubscribed(String id, HttpReply reply) {
        if (!reply.isSuccess() && reply.status() != 404 && reply.status() != 400) {
            throw new IllegalStateException("all-images.ai did not remove webhook " + id + ": HTTP " + reply.status());
        }
        LOG.info("all-images webhook {} unsubscribed: HTTP {}", id, reply.status());
        if (id.equals(webhookId)) {
            webhookId = null;
        }
    }

    /** The instance recorded with the subscription it made. */
    public String nodeId() {
        return instanceId;
    }

    public String webhookId() {
        return webhookId;
    }

    public long received() {
        return received.get();
    }

    public long broughtForward() {
        return broughtForward.get();
    }

    public long refused() {
        return refused.get();
    }
}
