package org.imagegen.job;

/**
 * When to look at a job again, per provider: the first check after {@code initialDelayMs} (no generation finishes
 * sooner), then every {@code intervalMs}, giving up at {@code deadlineMs} after acceptance. After a failed check the
 * wait grows (doubling, at most {@code maxBackoffMs}) and never undercuts the provider's Retry-After.
 */
public record PollPolicy(long initialDelayMs, long intervalMs, long deadlineMs, long maxBackoffMs) {

    public long firstCheck(long now) {
        return now + initialDelayMs;
    }

    public long nextCheck(long now) {
        return now + intervalMs;
    }

    public long afterTransientError(long now, int consecutiveErrors, Long retryAfterMs) {
        long backoff = Math.min(maxBackoffMs, intervalMs << Math.min(Math.max(consecutiveErrors - 1, 0), 10));
        long wait = retryAfterMs == null ? backoff : Math.max(retryAfterMs, intervalMs);
        return now + wait;
    }
}
