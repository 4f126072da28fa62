package org.imagegen.delivery;

/** Where one selected sink of a job stands. */
public enum SinkState {
    /** not (completely) delivered yet; tried at its next_try_at */
    PENDING,
    /** has every image and the manifest: never written to again for this job */
    DELIVERED,
    /** out of attempts, or refused for good (e.g. HTTP 4xx): waits for an operator's retry */
    FAILED
}
