package org.imagegen.job;

/**
 * A provider's polling settings: the floor for the first check ({@code initialDelayMs}; learned estimates never go
 * below it), the interval X between checks (the bound on the delay from completion to delivery), the longer
 * interval used while the provider reports a job queued, the deadline after acceptance, and the longest backoff
 * after repeated errors.
 */
public record PollPolicy(long initialDelayMs, long intervalMs, long queuedIntervalMs, long deadlineMs,
                         long maxBackoffMs) {
}
