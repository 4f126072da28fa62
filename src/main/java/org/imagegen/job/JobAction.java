package org.imagegen.job;

/** What the status loop does with a due job; derived from its state and deadline, never stored. */
public enum JobAction {
    SUBMIT, RECONCILE, CHECK, DELIVER, EXPIRE
}
