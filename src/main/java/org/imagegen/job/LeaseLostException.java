package org.imagegen.job;

/**
 * This instance's claim on a job expired and another instance may have taken it: the result of this step is
 * dropped rather than written over the other instance's work.
 */
public class LeaseLostException extends RuntimeException {

    public LeaseLostException(String jobKey) {
        super("lease on job " + jobKey + " was lost; another instance owns it now");
    }
}
