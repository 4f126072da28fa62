package org.imagegen.observe;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.imagegen.provider.HttpReply;

/**
 * Readiness: the provider accepts the API key (a definition's keyCheckPath). The answer is kept
 * for a while ({@code cacheMs}), so frequent probes do not turn into provider calls. A provider that is briefly
 * unreachable makes the bundle not ready, which is what a load balancer should know; the jobs wait in the store.
 */
public class ProviderKeyHealthCheck extends ReadinessCheck {

    private final Supplier<HttpReply> check;
    private final long cacheMs;
    private volatile long checkedAt;
    private volatile String problem = "not checked yet";

    public ProviderKeyHealthCheck(String provider, Supplier<HttpReply> check, long cacheMs) {
        super("provider-key-" + provider);
        this.check = check;
        this.cacheMs = cacheMs;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long now = System.currentTimeMillis();
        if (checkedAt == 0 || now - checkedAt >= cacheMs) {
            String found;
            try {
                HttpReply reply = check.get();
                found = reply.isSuccess() ? null : reply.status() == 401 || reply.status() == 403
                        ? "the provider refused the API key (HTTP " + reply.status() + ")"
                        : "the key check answered HTTP " + reply.status();
            } catch (RuntimeException e) {
                found = "the key check failed: " + e.getMessage();
            }
            problem = found;
            checkedAt = now;
        }
        String p = problem;
        if (p == null) {
            builder.up();
        } else {
            builder.message(p).down();
        }
    }
}
