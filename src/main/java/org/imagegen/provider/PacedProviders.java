package org.imagegen.provider;

import java.util.Map;

import org.imagegen.job.RateLimiter;

/**
 * The providers and the rate limiter that paces each one's calls, by provider name: a step that asks a provider also
 * charges, gives back or pauses its limiter. The map is kept, not copied: defined providers
 * (routes/providers/*.camel.yaml) add theirs when the context starts.
 */
public record PacedProviders(Providers providers, Map<String, RateLimiter> rateLimits) {

    /** The provider a job is at. */
    public ImageProvider get(String provider) {
        return providers.get(provider);
    }

    /** The rate limiter of a provider. */
    public RateLimiter limiter(String provider) {
        return rateLimits.get(provider);
    }
}
