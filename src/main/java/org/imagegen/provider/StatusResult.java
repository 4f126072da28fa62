package org.imagegen.provider;

import java.time.Duration;
import java.util.List;

/**
 * A status check normalised across providers. {@code RETRY_LATER} is a failed check (429, 5xx, unreadable answer),
 * never a failed job. {@code FAILED} with {@code retryable} means the provider offers a retry of the same generation
 * (a definition's outcome failed with retryable).
 * {@code position} (place in the provider's queue) and {@code progress} (0-100) are what the provider reported, if
 * anything; the job keeps them for the API and the jobs page. {@code cost}: what the provider reported the
 * generation cost so far, or null (most providers report none).
 */
public record StatusResult(Kind kind, List<String> imageUrls, Duration retryAfter, String reason, boolean retryable,
                           Double cost, Integer position, Integer progress) {

    public enum Kind { QUEUED, RUNNING, SUCCEEDED, FAILED, CENSORED, RETRY_LATER }

    public StatusResult(Kind kind, List<String> imageUrls, Duration retryAfter, String reason, boolean retryable) {
        this(kind, imageUrls, retryAfter, reason, retryable, null, null, null);
    }

    /** The same result with the cost the provider reported (unchanged when {@code cost} is null). */
    public StatusResult withCost(Double cost) {
        return cost == null ? this
                : new StatusResult(kind, imageUrls, retryAfter, reason, retryable, cost, position, progress);
    }

    public static StatusResult queued() {
        return new StatusResult(Kind.QUEUED, List.of(), null, null, false);
    }

    public static StatusResult running() {
        return new StatusResult(Kind.RUNNING, List.of(), null, null, false);
    }

    public static StatusResult succeeded(List<String> imageUrls) {
        return new StatusResult(Kind.SUCCEEDED, List.copyOf(imageUrls), null, null, false);
    }

    public static StatusResult failed(String reason, boolean retryable) {
        return new StatusResult(Kind.FAILED, List.of(), null, reason, retryable);
    }

    public static StatusResult censored(String reason) {
        return new StatusResult(Kind.CENSORED, List.of(), null, reason, false);
    }

    /**
     * What an error answer to a status check means, for every provider: rate limits, server trouble and a refused
     * key (the operator can fix it) only postpone the check until the deadline; other codes (404) fail the job.
     */
    public static StatusResult ofError(String provider, HttpReply reply, String message) {
        String reason = reply.reason(provider, message);
        if (reply.isTransient() || reply.status() == 401 || reply.status() == 403) {
            return retryLater(reply.retryAfterDuration(System.currentTimeMillis()), reason);
        }
        return failed(reason, false);
    }

    public static StatusResult retryLater(Duration retryAfter, String reason) {
        return new StatusResult(Kind.RETRY_LATER, List.of(), retryAfter, reason, false);
    }

    /** The same result with the queue position and progress the provider reported (null: not reported). */
    public StatusResult withProgress(Integer position, Integer progress) {
        return new StatusResult(kind, imageUrls, retryAfter, reason, retryable, cost, position, progress);
    }
}
