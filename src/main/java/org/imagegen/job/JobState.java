package org.imagegen.job;

/**
 * Normalised job states across providers. {@code SUBMITTING} marks a create that was sent but whose answer is not
 * recorded yet: such a job is reconciled with the provider before anything is sent again, so a lost answer never
 * turns into a second paid generation.
 */
public enum JobState {
    ACCEPTED,
    /**
     * Its create would pass a budget (imagegen.budgets.*): not sent; weighed again every imagegen.budgets.recheck and
     * at the next period's start, and sent once the budget allows (or timed out at its deadline).
     */
    HELD_BUDGET,
    SUBMITTING,
    SUBMITTED,
    RUNNING,
    SUCCEEDED,
    DELIVERED,
    FAILED,
    CENSORED,
    TIMED_OUT,
    DELIVERY_FAILED,
    NEEDS_ATTENTION,
    /** Stopped by an operator (HTTP API): no more checks; the provider was asked to delete the generation. */
    CANCELLED;

    public boolean isTerminal() {
        return switch (this) {
            case DELIVERED, FAILED, CENSORED, TIMED_OUT, DELIVERY_FAILED, NEEDS_ATTENTION, CANCELLED -> true;
            default -> false;
        };
    }

    /** States in which the provider may still be working on a generation we pay for. */
    public boolean isAwaitingProvider() {
        return this == SUBMITTED || this == RUNNING;
    }
}
