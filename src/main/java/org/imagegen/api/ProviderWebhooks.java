package org.imagegen.api;

import java.util.ArrayList;
import java.util.List;

import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ImageProvider;
import org.imagegen.provider.ProviderCall;
import org.imagegen.provider.Providers;
import org.imagegen.provider.definition.DefinedProvider;
import org.imagegen.provider.definition.WebhookSubscription;

/**
 * The webhook subscriptions the leader keeps (routes/webhooks.camel.yaml), for every provider whose definition
 * registers its receiver per API key (webhookSubscribePath) and has webhooks on: which providers subscribe, and, by
 * provider, the calls and the decisions of {@link WebhookSubscription}. The deliveries themselves are received by
 * {@link DefinedWebhooks}.
 */
public class ProviderWebhooks {

    private final Providers providers;
    private final String instanceId;

    public ProviderWebhooks(Providers providers, String instanceId) {
        this.providers = providers;
        this.instanceId = instanceId;
    }

    /** The providers that keep a subscription (the definitions are known once the context started). */
    public List<String> subscribing() {
        List<String> names = new ArrayList<>();
        for (ImageProvider p : providers.all()) {
            if (p instanceof DefinedProvider defined && defined.subscription() != null) {
                names.add(p.name());
            }
        }
        return names;
    }

    /** The providers for which this instance holds a subscription now (removed at shutdown). */
    public List<String> held() {
        return subscribing().stream().filter(name -> subscription(name).webhookId() != null).toList();
    }

    /** See {@link WebhookSubscription#toRemove}: {@code recorded} is the one in force in the shared job store. */
    public List<String> toRemove(String provider, String recorded) {
        return subscription(provider).toRemove(recorded);
    }

    public boolean needsSubscription(String provider) {
        return subscription(provider).needsSubscription();
    }

    public ProviderCall subscribeCall(String provider) {
        return subscription(provider).subscribeCall();
    }

    public String subscribed(String provider, HttpReply reply) {
        return subscription(provider).subscribed(reply);
    }

    public ProviderCall unsubscribeCall(String provider, String id) {
        return subscription(provider).unsubscribeCall(id);
    }

    public void unsubscribed(String provider, String id, HttpReply reply) {
        subscription(provider).unsubscribed(id, reply);
    }

    /** The subscription this instance holds for {@code provider}, or null. */
    public String webhookId(String provider) {
        return subscription(provider).webhookId();
    }

    /** The instance recorded with the subscription it made. */
    public String nodeId() {
        return instanceId;
    }

    private WebhookSubscription subscription(String provider) {
        if (providers.get(provider) instanceof DefinedProvider defined && defined.subscription() != null) {
            return defined.subscription();
        }
        throw new IllegalArgumentException("provider '" + provider + "' keeps no webhook subscription");
    }
}
