package org.imagegen.provider.definition;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ProviderCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.imagegen.provider.definition.DefinitionValues.blank;
import static org.imagegen.provider.definition.DefinitionValues.encode;
import static org.imagegen.provider.definition.DefinitionValues.method;
import static org.imagegen.provider.definition.DefinitionValues.required;
import static org.imagegen.provider.definition.DefinitionValues.statuses;

/**
 * A provider whose webhooks are registered per API key rather than handed over with each create (a subscribe call
 * that registers the receiver's URL, an unsubscribe call that removes it):
 * {@code webhookSubscribePath}, {@code webhookSubscribeMethod}, {@code webhookSubscribeBody},
 * {@code webhookSubscriptionId}, {@code webhookUnsubscribePath}, {@code webhookUnsubscribeMethod},
 * {@code webhookUnsubscribeGone}. However many instances run, only the leader holds one (routes/webhooks.camel.yaml
 * keeps it, with the subscription in force recorded in the shared job store); this object holds the id of the one
 * this instance made and decides which stale ones go. The receiver's URL carries the path secret and is never logged.
 */
public final class WebhookSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSubscription.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String provider;
    private final ProviderUrls urls;
    private final Supplier<String> receiverUrl;
    private final Function<HttpReply, String> errorMessage;
    private final String subscribePath;
    private final String subscribeMethod;
    private final Jq subscribeBody;
    private final Jq subscriptionId;
    private final String unsubscribePath;
    private final String unsubscribeMethod;
    private final Set<Integer> gone;
    private volatile String webhookId;

    private WebhookSubscription(String provider, WebhookProperties d, ProviderUrls urls, Supplier<String> receiverUrl,
                                Function<HttpReply, String> errorMessage) {
        this.provider = provider;
        this.urls = urls;
        this.receiverUrl = receiverUrl;
        this.errorMessage = errorMessage;
        subscribePath = d.getWebhookSubscribePath().strip();
        subscribeMethod = method(d.getWebhookSubscribeMethod(), "POST");
        subscribeBody = Jq.compile("webhookSubscribeBody", d.getWebhookSubscribeBody());
        subscriptionId = Jq.compile("webhookSubscriptionId",
                required(d.getWebhookSubscriptionId(), "webhookSubscriptionId"));
        unsubscribePath = required(d.getWebhookUnsubscribePath(), "webhookUnsubscribePath").strip();
        unsubscribeMethod = method(d.getWebhookUnsubscribeMethod(), "DELETE");
        gone = statuses(d.getWebhookUnsubscribeGone(), "404", "webhookUnsubscribeGone");
    }

    /**
     * The definition's subscription, or null when it declares none ({@code webhookSubscribePath} blank) or its
     * webhooks are off ({@code receiverUrl} null); what is declared is checked either way.
     */
    static WebhookSubscription of(String provider, WebhookProperties d, ProviderUrls urls, Supplier<String> receiverUrl,
                                  Function<HttpReply, String> errorMessage) {
        if (blank(d.getWebhookSubscribePath())) {
            return null;
        }
        WebhookSubscription subscription = new WebhookSubscription(provider, d, urls, receiverUrl, errorMessage);
        return receiverUrl == null ? null : subscription;
    }

    public String provider() {
        return provider;
    }

    /** The subscribe call: this receiver's URL (its secret included) in the definition's body. */
    public ProviderCall subscribeCall() {
        ObjectNode input = JSON.createObjectNode().put("url", receiverUrl.get());
        String body = subscribeBody == null ? null : Jq.write(subscribeBody.first(input));
        return urls.call(subscribeMethod, urls.url(subscribePath), body, null);
    }

    /** Reads the new subscription's id from the subscribe answer; returns it, to be recorded as the one in force. */
    public String subscribed(HttpReply reply) {
        String id = null;
        if (reply.isSuccess()) {
            try {
                id = subscriptionId.text(Jq.body(reply), Jq.answer(reply));
            } catch (IllegalStateException e) {
                id = null;
            }
        }
        if (id == null) {
            throw new IllegalStateException(provider + " refused the webhook subscription: HTTP " + reply.status()
                    + ": " + errorMessage.apply(reply));
        }
        webhookId = id;
        LOG.info("{} webhooks subscribed (webhook {}): finished generations are checked at once", provider, id);
        return id;
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

    public ProviderCall unsubscribeCall(String id) {
        return urls.call(unsubscribeMethod, urls.url(unsubscribePath.replace("${id}", encode(id))), null, null);
    }

    /**
     * The answer to removing {@code id}: gone (2xx) or one of the webhookUnsubscribeGone codes (the provider no
     * longer knows it) both mean it no longer posts there; anything else (401, 429, 5xx) leaves it in place, to be
     * tried again.
     */
    public void unsubscribed(String id, HttpReply reply) {
        if (!reply.isSuccess() && !gone.contains(reply.status())) {
            throw new IllegalStateException(provider + " did not remove webhook " + id + ": HTTP " + reply.status());
        }
        LOG.info("{} webhook {} unsubscribed: HTTP {}", provider, id, reply.status());
        if (id.equals(webhookId)) {
            webhookId = null;
        }
    }

    /** The subscription this instance holds, or null. */
    public String webhookId() {
        return webhookId;
    }
}
