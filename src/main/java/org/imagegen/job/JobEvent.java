package org.imagegen.job;

/** One state a job passed through, with its time (epoch millis) and an optional detail such as a reason. */
public record JobEvent(JobState state, long at, String detail) {
}
