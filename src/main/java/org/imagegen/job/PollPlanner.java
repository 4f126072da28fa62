package org.imagegen.job;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides when a job is looked at next, aiming at the fewest status checks that still deliver every job within
 * one interval X of its completion. With D the shortest plausible duration, checks at D + X, D + 2X, ... are the
 * fewest that meet the bound: a job finishing at D is seen at D + X, one finishing later within X of its end.
 * <ul>
 *   <li>the first check comes at D + X, with D learned per provider and model from recent completions and never
 *       below the configured floor ({@code initialDelayMs}, the shortest plausible duration before any
 *       completion was seen);</li>
 *   <li>then one check every X, never longer; while the provider says the job is still queued, the queued
 *       interval (it has not even started);</li>
 *   <li>after a failed check, a growing backoff, and never sooner than the provider's Retry-After.</li>
 * </ul>
 * Learning: a job seen done at time T after submission finished after T - X (it was still running one interval
 * earlier); D is the smallest T - X over the last {@value #WINDOW} completions. A job already done at its first
 * check says less (it may have finished long before); while few are (a quarter at most, the normal share when D is
 * right), they count as T - X, and when more are, the provider got faster, so they count as T - 2X and D comes
 * down. The estimate errs early, which costs a check, rather than late, which would cost delivery time. Only checks
 * made on time teach it (see {@link #observeCompletion}).
 */
public class PollPlanner {

    static final int WINDOW = 200;

    private final Map<String, PollPolicy> policies;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public PollPlanner(Map<String, PollPolicy> policies) {
        this.policies = new ConcurrentHashMap<>(policies);
    }

    /** The policy of a provider that joins after the start (a definition in routes/providers/). */
    public void addPolicy(String provider, PollPolicy policy) {
        policies.put(provider, policy);
    }

    public PollPolicy policy(String provider) {
        PollPolicy policy = policies.get(provider);
        if (policy == null) {
            throw new IllegalArgumentException("no poll policy for provider " + provider);
        }
        return policy;
    }

    /** Time of the first check of a generation submitted now. */
    public long firstCheck(String provider, String model, long now) {
        return now + firstCheckDelay(provider, model);
    }

    public long firstCheckDelay(String provider, String model) {
        PollPolicy policy = policy(provider);
        return shortestDuration(provider, model) + policy.intervalMs();
    }

    /** D: the shortest plausible duration, learned, never below the configured floor. */
    public long shortestDuration(String provider, String model) {
        PollPolicy policy = policy(provider);
        Window window = windows.get(provider + "/" + model);
        long learned = window == null ? Long.MAX_VALUE : window.shortest();
        return learned == Long.MAX_VALUE ? policy.initialDelayMs() : Math.max(policy.initialDelayMs(), learned);
    }

    public long nextCheck(String provider, boolean queued, long now) {
        PollPolicy policy = policy(provider);
        return now + (queued ? Math.max(policy.queuedIntervalMs(), policy.intervalMs()) : policy.intervalMs());
    }

    public long afterTransientError(String provider, long now, int consecutiveErrors, Long retryAfterMs) {
        PollPolicy policy = policy(provider);
        long backoff = Math.min(policy.maxBackoffMs(),
                policy.intervalMs() << Math.min(Math.max(consecutiveErrors - 1, 0), 10));
        long wait = retryAfterMs == null ? backoff : Math.max(retryAfterMs, policy.intervalMs());
        return now + wait;
    }

    public long deadline(String provider, long acceptedAt) {
        return acceptedAt + policy(provider).deadlineMs();
    }

    /**
     * Records that a generation submitted at {@code submittedAt} was seen done at {@code seenDoneAt}, at its first
     * check or later, by a check that was due at {@code dueAt}. A check made more than one interval after it was due
     * (the bundle was stopped, paused or behind its schedule) teaches nothing: the job may have finished any time
     * since its previous check, and taking "seen done" for "just finished" would raise D for every job after it
     * (after a restart, all the first completions are such checks, and D rose to the restart's length).
     */
    public void observeCompletion(String provider, String model, long submittedAt, long seenDoneAt, long dueAt,
                                  boolean atFirstCheck) {
        long interval = policy(provider).intervalMs();
        if (submittedAt <= 0 || seenDoneAt < submittedAt || seenDoneAt - dueAt > interval) {
            return;
        }
        windows.computeIfAbsent(provider + "/" + model, k -> new Window())
                .add(seenDoneAt - submittedAt - interval, atFirstCheck, interval);
    }

    /** The last completions of one provider and model: each one's "finished after" bound. */
    private static final class Window {

        private final Deque<Long> finishedAfter = new ArrayDeque<>();
        private final Deque<Boolean> atFirstCheck = new ArrayDeque<>();
        private int firstCheckCount;

        synchronized void add(long after, boolean first, long interval) {
            boolean manyDoneAtFirstCheck = firstCheckCount * 4 > finishedAfter.size() && finishedAfter.size() >= 8;
            finishedAfter.addLast(first && manyDoneAtFirstCheck ? after - interval : after);
            atFirstCheck.addLast(first);
            firstCheckCount += first ? 1 : 0;
            if (finishedAfter.size() > WINDOW) {
                finishedAfter.removeFirst();
                firstCheckCount -= atFirstCheck.removeFirst() ? 1 : 0;
            }
        }

        synchronized long shortest() {
            return finishedAfter.stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
        }
    }
}
