package org.imagegen.api;

import java.time.Clock;
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
 * status loop re-reads the generation with GET. Also keeps the subscription's id between start and shutdown.
 */
public class ProviderWebhooks {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderWebhooks.class);

    private final JobStore store;
    private final AllImagesProvider allImages;
    private final String secret;
    private final Supplier<String> publicBaseUrl;
    private final Clock clock;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong broughtForward = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile String webhookId;

    public ProviderWebhooks(JobStore store, AllImagesProvider allImages, String secret, Supplier<String> publicBaseUrl,
                            Clock clock) {
        this.store = store;
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

    public void subscribed(HttpReply reply) {
        webhookId = allImages.readWebhookId(reply);
        LOG.info("all-images webhooks subscribed (webhook {}): finished generations are checked at once", webhookId);
    }

    /** The unsubscribe call for the subscription made at start, or null when there is none. */
    public org.imagegen.provider.ProviderCall unsubscribeCall() {
        String id = webhookId;
        return id == null ? null : allImages.unsubscribeWebhookCall(id);
    }

    public void unsubscribed(HttpReply reply) {
        LOG.info("all-images webhook {} unsubscribed: HTTP {}", webhookId, reply.status());
        webhookId = null;
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
