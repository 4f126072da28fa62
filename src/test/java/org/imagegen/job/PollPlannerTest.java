package org.imagegen.job;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PollPlannerTest {

    /** floor 1 s, X = 2 s, queued 5 s, deadline 10 min, backoff at most 1 min */
    private final PollPlanner planner = new PollPlanner(Map.of(
            "p", new PollPolicy(1_000, 2_000, 5_000, 600_000, 60_000)));

    @Test
    void firstCheckIsOneIntervalAfterTheShortestPlausibleDuration() {
        assertThat(planner.firstCheckDelay("p", "fast")).isEqualTo(3_000);

        planner.observeCompletion("p", "fast", 10_000, 19_000, 19_000, false);   // seen done 9 s after submission
        planner.observeCompletion("p", "fast", 20_000, 27_000, 27_000, false);   // 7 s: it finished after 5 s
        planner.observeCompletion("p", "relax", 1, 60_001, 60_001, false);

        assertThat(planner.shortestDuration("p", "fast")).isEqualTo(5_000);
        assertThat(planner.firstCheckDelay("p", "fast")).isEqualTo(7_000);
        assertThat(planner.firstCheckDelay("p", "relax")).isEqualTo(60_000);
        assertThat(planner.firstCheck("p", "fast", 100)).isEqualTo(7_100);
    }

    @Test
    void neverLearnsBelowTheFloorAndForgetsOldCompletions() {
        planner.observeCompletion("p", "m", 1, 1_501, 1_501, false);
        assertThat(planner.shortestDuration("p", "m")).isEqualTo(1_000);
        for (int i = 0; i < PollPlanner.WINDOW; i++) {
            planner.observeCompletion("p", "m", 1, 12_001, 12_001, false);
        }
        assertThat(planner.shortestDuration("p", "m")).isEqualTo(10_000);
    }

    @Test
    void aSteadyShareOfJobsDoneAtTheFirstCheckKeepsTheEstimate() {
        for (int i = 0; i < 100; i++) {
            // D = 10 s learned; one job in ten done at its first check (12 s), the rest later
            long seen = 1 + (i % 10 == 0 ? 12_000 : 14_000);
            planner.observeCompletion("p", "m", 1, seen, seen, i % 10 == 0);
        }
        assertThat(planner.shortestDuration("p", "m")).isEqualTo(10_000);
    }

    @Test
    void whenMostJobsAreDoneAtTheFirstCheckTheProviderGotFasterAndTheEstimateComesDown() {
        for (int i = 0; i < 20; i++) {
            planner.observeCompletion("p", "m", 1, 14_001, 14_001, false);
        }
        assertThat(planner.shortestDuration("p", "m")).isEqualTo(12_000);
        long before = planner.shortestDuration("p", "m");
        for (int i = 0; i < 40; i++) {
            long firstCheck = planner.firstCheckDelay("p", "m");
            planner.observeCompletion("p", "m", 1, 1 + firstCheck, 1 + firstCheck, true);
        }
        assertThat(planner.shortestDuration("p", "m")).isLessThan(before).isEqualTo(1_000);
    }

    @Test
    void completionsSeenByLateChecksTeachNothing() {
        // a restart: the generations submitted before it are seen done a minute after their checks were due, at
        // their first check and at later ones; that says nothing of how long a generation takes
        for (int i = 0; i < 40; i++) {
            planner.observeCompletion("p", "m", 1, 75_001, 15_001, i % 2 == 0);
        }
        assertThat(planner.shortestDuration("p", "m")).as("still the floor").isEqualTo(1_000);
        // a check within one interval of its due time is on time: finished after 12 s
        planner.observeCompletion("p", "m", 1, 14_001, 12_001, false);
        assertThat(planner.shortestDuration("p", "m")).isEqualTo(12_000);
    }

    @Test
    void ignoresCompletionsWithoutAKnownSubmissionTime() {
        planner.observeCompletion("p", "x", 0, 50_000, 50_000, false);
        assertThat(planner.shortestDuration("p", "x")).isEqualTo(1_000);
    }

    @Test
    void checksEveryIntervalAndLessOftenWhileQueued() {
        assertThat(planner.nextCheck("p", false, 0)).isEqualTo(2_000);
        assertThat(planner.nextCheck("p", true, 0)).isEqualTo(5_000);
    }

    @Test
    void backsOffAfterErrorsAndHonoursRetryAfter() {
        assertThat(planner.afterTransientError("p", 0, 1, null)).isEqualTo(2_000);
        assertThat(planner.afterTransientError("p", 0, 3, null)).isEqualTo(8_000);
        assertThat(planner.afterTransientError("p", 0, 30, null)).isEqualTo(60_000);
        assertThat(planner.afterTransientError("p", 0, 1, 90_000L)).isEqualTo(90_000);
        assertThat(planner.afterTransientError("p", 0, 1, 10L)).isEqualTo(2_000);
        assertThat(planner.deadline("p", 5)).isEqualTo(600_005);
    }
}
