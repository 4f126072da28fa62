package org.imagegen.api;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.imagegen.job.JobStore;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ImageProvider;
import org.imagegen.provider.ProviderCall;
import org.imagegen.provider.Providers;
import org.imagegen.provider.definition.DefinedProvider;
import org.imagegen.provider.definition.DefinedWebhook;
import org.imagegen.provider.webhook.WebhookCounts;
import org.imagegen.provider.webhook.WebhookRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook receiver of the providers declared by definition files ({@code POST /webhooks/<name>}, and
 * {@code /webhooks/<name>/<secret>} for the none scheme; routes/webhooks.camel.yaml). A delivery is verified with
 * the scheme its definition names; a verified one only brings the named generation's next status check forward
 * (the status check re-reads the generation before anything is trusted). Answers: 202 when verified (also for a
 * generation no job waits on), 401 for a missing or forged signature or a wrong path secret, 403 for a stale or
 * replayed delivery, 503 while the provider's keys cannot be fetched, 404 for a provider without webhooks. A refused
 * delivery changes nothing. The subscriptions some providers need before they post are kept by {@link ProviderWebhooks}.
 */
public class DefinedWebhooks {

    private static final Logger LOG = LoggerFactory.getLogger(DefinedWebhooks.class);
    /** Refusals are logged at WARN at most this often per provider (a flood of forged posts must not flood the log). */
    private static final long WARN_EVERY_MS = 60_000;

    private final Providers providers;
    private final JobStore store;
    private final Clock clock;
    private final BiConsumer<String, WebhookCounts> metrics;
    private final Map<String, Receiver> receivers = new ConcurrentHashMap<>();

    /**
     * One delivery as received, kept apart from the exchange (a call to the provider for keys replaces its headers
     * and body): the provider and path secret from the URL, the headers (by name, case-insensitively; a repeated
     * header by its first value) and the raw body, whose exact bytes a signature covers.
     */
    public record Delivery(String provider, String secret, Function<String, String> header, byte[] body) {
    }

    /** One provider's counts, bound to the metrics when its first delivery arrives, and when it last warned. */
    private record Receiver(WebhookCounts counts, AtomicLong lastWarned) {
    }

    public DefinedWebhooks(Providers providers, JobStore store, Clock clock, BiConsumer<String, WebhookCounts> metrics) {
        this.providers = providers;
        this.store = store;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** {@code POST /webhooks/{provider}[/{secret}]} as received: the path's parameters, the headers, the body. */
    public Delivery delivery(String provider, String secret, Map<String, Object> headers, byte[] body) {
        return new Delivery(provider, secret, header(headers), body == null ? new byte[0] : body);
    }

    /**
     * The call that fetches the provider's signing secret or keys before this delivery is verified (the route makes
     * it through the provider's own HTTP route), or null when none is needed or the delivery will be refused anyway.
     */
    public ProviderCall keysCall(Delivery delivery) {
        DefinedWebhook webhook = webhookOrNull(delivery.provider());
        return webhook == null || webhook.securedByPath() ? null
                : webhook.keysCall(delivery.header(), delivery.body(), clock.millis());
    }

    public void keysFetched(Delivery delivery, HttpReply reply) {
        webhookOrNull(delivery.provider()).keysFetched(reply, clock.millis());
    }

    public void keysFailed(Delivery delivery, Exception error) {
        webhookOrNull(delivery.provider()).keysFailed(error.getClass().getSimpleName() + ": " + error.getMessage(),
                clock.millis());
    }

    /** Verifies the delivery and brings the named generation's check forward; refused: an ApiProblem. */
    public ApiReply receive(Delivery delivery) {
        String provider = delivery.provider();
        String secret = delivery.secret();
        byte[] body = delivery.body();
        DefinedWebhook webhook = webhookOrNull(provider);
        if (webhook == null || webhook.securedByPath() != (secret != null)) {
            throw new ApiProblem(404, "Not Found", "no webhook receiver at this path", null);
        }
        Receiver receiver = receivers.computeIfAbsent(provider, name -> {
            Receiver r = new Receiver(new WebhookCounts(), new AtomicLong(Long.MIN_VALUE / 2));
            metrics.accept(name, r.counts());
            return r;
        });
        long now = clock.millis();
        try {
            if (webhook.securedByPath()) {
                if (!webhook.pathSecretMatches(secret)) {
                    throw WebhookRefusedException.unsigned("unknown webhook path");
                }
            } else {
                webhook.verify(delivery.header(), body, now);
            }
        } catch (WebhookRefusedException e) {
            receiver.counts().refused();
            refusedLog(provider, receiver, e, now);
            throw new ApiProblem(e.status(), e.status() == 401 ? "Unauthorized" : e.status() == 403 ? "Forbidden"
                    : "Service Unavailable", e.status() == 401 && webhook.securedByPath() ? "unknown webhook path"
                    : "webhook refused: " + e.getMessage(), null);
        }
        String generationId = webhook.generationId(body);
        int jobs = generationId == null ? 0 : store.bringCheckForward(provider, generationId, now);
        receiver.counts().received(jobs > 0);
        LOG.debug("{} webhook for generation {}: {} job(s) checked at once", provider, generationId, jobs);
        return ApiReply.json(202, "{\"checkedAtOnce\":" + jobs + "}");
    }

    private DefinedWebhook webhookOrNull(String provider) {
        if (provider == null) {
            return null;
        }
        for (ImageProvider p : providers.all()) {
            if (p.name().equals(provider) && p instanceof DefinedProvider defined) {
                return defined.webhook();
            }
        }
        return null;
    }

    private static void refusedLog(String provider, Receiver receiver, WebhookRefusedException e, long now) {
        long last = receiver.lastWarned().get();
        if (now - last >= WARN_EVERY_MS && receiver.lastWarned().compareAndSet(last, now)) {
            LOG.warn("{} webhook refused ({}): {} (further refusals within a minute are logged at DEBUG)", provider,
                    e.status(), e.getMessage());
        } else {
            LOG.debug("{} webhook refused ({}): {}", provider, e.status(), e.getMessage());
        }
    }

    /** Header values by name, case-insensitively; a repeated header counts by its first value. */
    private static Function<String, String> header(Map<String, Object> headers) {
        Map<String, Object> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            byName.putAll(headers);
        }
        return name -> {
            Object value = byName.get(name);
            if (value instanceof List<?> list) {
                value = list.isEmpty() ? null : list.get(0);
            }
            return value == null ? null : value.toString();
        };
    }
}
