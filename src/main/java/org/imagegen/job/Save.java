package org.imagegen.job;

/**
 * How {@link JobStore#save} writes a job: whether the new state becomes a line in the job's history (with its
 * detail), whether the claim is released (the default: the step is over) or kept for a step that goes straight on,
 * and whether the write must be on file before the save returns (see {@link JobStore}: the writes whose loss would
 * cost money or a request).
 */
public record Save(boolean recordsEvent, String detail, boolean keepsClaim, boolean durable) {

    /** A new state: the row, and the transition in the job's history with {@code detail}. */
    public static Save withEvent(String detail) {
        return new Save(true, detail, false, false);
    }

    /** The row only (a new check time, counters, a reason): the history is unchanged. */
    public static Save withoutEvent() {
        return new Save(false, null, false, false);
    }

    /** The claim stays this instance's: the next step follows at once. */
    public Save keepingClaim() {
        return new Save(recordsEvent, detail, true, durable);
    }

    /** On file before the save returns. */
    public Save durably() {
        return new Save(recordsEvent, detail, keepsClaim, true);
    }

    /** {@link #durably} when {@code durable}, else this. */
    public Save durably(boolean durable) {
        return durable ? durably() : this;
    }
}
