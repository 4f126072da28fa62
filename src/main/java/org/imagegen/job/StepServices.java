package org.imagegen.job;

import java.time.Clock;

import org.imagegen.delivery.ResultFolders;

/**
 * What every step on a job shares ({@link JobStep}): the moves it makes, the planner that times its next check, the
 * folders its results go to, and the clock all of them are stamped with. Built once by the bundle, so every step
 * reads the same clock.
 */
public record StepServices(JobTransitions transitions, PollPlanner planner, ResultFolders resultFolders, Clock clock) {
}
