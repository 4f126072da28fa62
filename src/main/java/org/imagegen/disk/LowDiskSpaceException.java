package org.imagegen.disk;

/**
 * A folder the bundle writes to has less free space than {@code imagegen.disk.min-free-bytes}: what needed it is not
 * done now and is tried again later (an input is left where it is, a delivery waits). Never a reason to give up.
 */
public class LowDiskSpaceException extends RuntimeException {

    private final long retryAfterMs;

    public LowDiskSpaceException(String message, long retryAfterMs) {
        super(message);
        this.retryAfterMs = retryAfterMs;
    }

    /** How long to wait before trying again ({@code imagegen.disk.recheck}). */
    public long retryAfterMs() {
        return retryAfterMs;
    }
}
