package org.imagegen.job;

import java.time.Clock;

import org.imagegen.delivery.ResultFolders;

/**
 * A step on a job (a status check, a delivery, a failed step's handling, an operator's action): it decides from its
 * event what happens to the job and makes the move with the collaborators of {@link StepServices}.
 */
abstract class JobStep {

    protected final JobTransitions transitions;
    protected final PollPlanner planner;
    protected final ResultFolders resultFolders;
    private final Clock clock;

    protected JobStep(StepServices services) {
        this.transitions = services.transitions();
        this.planner = services.planner();
        this.resultFolders = services.resultFolders();
        this.clock = services.clock();
    }

    protected long now() {
        return clock.millis();
    }
}
