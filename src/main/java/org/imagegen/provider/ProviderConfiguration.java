package org.imagegen.provider;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.BindToRegistry;
import org.apache.camel.PropertyInject;
import org.imagegen.job.PollPolicy;
import org.imagegen.job.RateLimiter;

/**
 * Binds {@code providers}, empty at first: every provider is declared by a definition file in routes/providers/ and
 * joins it when the context starts (DefinedProviders), with its poll policy and rate limit for the status loop.
 */
public final class ProviderConfiguration {

    @PropertyInject("imagegen.delivery.max-redirects")
    private int maxRedirects;

    private final Map<String, PollPolicy> policies = new HashMap<>();
    private final Map<String, RateLimiter> rateLimits = new ConcurrentHashMap<>();

    @BindToRegistry("providers")
    public Providers providers() {
        return new Providers(List.of(), new HashMap<>(), maxRedirects);
    }

    /** Each provider's poll policy, by provider name; the definitions join it as they are read. */
    public Map<String, PollPolicy> policies() {
        return policies;
    }

    /** Each provider's rate limit, by provider name; the definitions join it as they are read. */
    public Map<String, RateLimiter> rateLimits() {
        return rateLimits;
    }
}
