package org.imagegen.job;

/**
 * A token bucket for one provider key: at most {@code ratePerSecond} calls per second on average, bursts up to
 * {@code burst}. A 429's Retry-After pauses the whole key, not just the job that got it: every call waits until
 * then. Non-blocking: a caller that gets no token is told how long to wait and reschedules its job.
 */
public class RateLimiter {

    private final double ratePerMs;
    private final double burst;
    private double tokens;
    private long refilledAt;
    private long pausedUntil;

    public RateLimiter(double ratePerSecond, int burst, long now) {
        this.ratePerMs = ratePerSecond / 1000.0;
        this.burst = Math.max(1, burst);
        this.tokens = this.burst;
        this.refilledAt = now;
    }

    /** 0 when a call may go now (a token is taken), else the milliseconds to wait before trying again. */
    public synchronized long tryAcquire(long now) {
        if (now < pausedUntil) {
            return pausedUntil - now;
        }
        tokens = Math.min(burst, tokens + (now - refilledAt) * ratePerMs);
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / ratePerMs);
    }

    /**
     * A call made without asking (one that goes along with an admitted one): its token is taken even if there is
     * none, so the calls after it wait the longer.
     */
    public synchronized void charge(long now) {
        tokens = Math.max(-burst, Math.min(burst, tokens + (now - refilledAt) * ratePerMs) - 1);
        refilledAt = now;
    }

    /** A token taken for a call that was not made after all (the provider's limits held it back). */
    public synchronized void giveBack() {
        tokens = Math.min(burst, tokens + 1);
    }

    /** The provider said "not before": no call on this key until then. */
    public synchronized void pauseUntil(long until) {
        pausedUntil = Math.max(pausedUntil, until);
    }

    public synchronized long pausedUntil() {
        return pausedUntil;
    }
}
