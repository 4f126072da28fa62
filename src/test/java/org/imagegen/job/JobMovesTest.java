package org.imagegen.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.imagegen.job.JobMoves.On;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.imagegen.job.JobState.ACCEPTED;
import static org.imagegen.job.JobState.CANCELLED;
import static org.imagegen.job.JobState.CENSORED;
import static org.imagegen.job.JobState.DELIVERED;
import static org.imagegen.job.JobState.DELIVERY_FAILED;
import static org.imagegen.job.JobState.FAILED;
import static org.imagegen.job.JobState.HELD_BUDGET;
import static org.imagegen.job.JobState.NEEDS_ATTENTION;
import static org.imagegen.job.JobState.RUNNING;
import static org.imagegen.job.JobState.SUBMITTED;
import static org.imagegen.job.JobState.SUBMITTING;
import static org.imagegen.job.JobState.SUCCEEDED;
import static org.imagegen.job.JobState.TIMED_OUT;

/** The job's state machine as a table ({@link JobMoves}): every state's moves, moves refused, and the docs' copy. */
class JobMovesTest {

    @Test
    void everyStateMovesOnlyWhereTheTableSays() {
        Map<JobState, Set<JobState>> expected = new EnumMap<>(JobState.class);
        expected.put(ACCEPTED, EnumSet.of(HELD_BUDGET, SUBMITTING, FAILED, TIMED_OUT, ACCEPTED, CANCELLED));
        expected.put(HELD_BUDGET, EnumSet.of(SUBMITTING, FAILED, TIMED_OUT, ACCEPTED, CANCELLED));
        expected.put(SUBMITTING, EnumSet.of(ACCEPTED, SUBMITTED, SUCCEEDED, FAILED, CENSORED, DELIVERY_FAILED,
                NEEDS_ATTENTION));
        expected.put(SUBMITTED, EnumSet.of(RUNNING, SUCCEEDED, FAILED, CENSORED, DELIVERY_FAILED, TIMED_OUT,
                ACCEPTED, CANCELLED));
        expected.put(RUNNING, EnumSet.of(SUBMITTED, SUCCEEDED, FAILED, CENSORED, DELIVERY_FAILED, TIMED_OUT,
                ACCEPTED, CANCELLED));
        expected.put(SUCCEEDED, EnumSet.of(DELIVERED, DELIVERY_FAILED));
        expected.put(TIMED_OUT, EnumSet.of(SUCCEEDED, DELIVERY_FAILED, ACCEPTED));
        expected.put(FAILED, EnumSet.of(ACCEPTED));
        expected.put(DELIVERY_FAILED, EnumSet.of(SUCCEEDED));
        expected.put(NEEDS_ATTENTION, EnumSet.of(CANCELLED));
        expected.put(DELIVERED, EnumSet.noneOf(JobState.class));
        expected.put(CENSORED, EnumSet.noneOf(JobState.class));
        expected.put(CANCELLED, EnumSet.noneOf(JobState.class));
        assertThat(expected).containsOnlyKeys(JobState.values());
        for (JobState from : JobState.values()) {
            Set<JobState> to = EnumSet.noneOf(JobState.class);
            for (On on : On.values()) {
                for (JobState target : JobState.values()) {
                    if (JobMoves.allows(from, on, target)) {
                        to.add(target);
                    }
                }
            }
            assertThat(to).as("where %s may move", from).isEqualTo(expected.get(from));
        }
    }

    @Test
    void aMoveIsAllowedOnlyOnItsKindOfEvent() {
        // "from on to"; a late check ends in delivery or not at all (a failure found late leaves it TIMED_OUT); a
        // create on its way is never cancelled or timed out; only an operator reopens a finished job
        List<String> allowed = List.of("SUBMITTED CHECK RUNNING", "TIMED_OUT CHECK SUCCEEDED",
                "SUBMITTING STEP_FAILED ACCEPTED", "DELIVERY_FAILED RETRY_DELIVERY SUCCEEDED",
                "FAILED RETRY_GENERATION ACCEPTED");
        List<String> refused = List.of("SUBMITTED DEADLINE RUNNING", "TIMED_OUT CHECK FAILED",
                "SUBMITTING CANCEL CANCELLED", "SUBMITTING CREATE_SENT SUBMITTING", "SUBMITTING DEADLINE TIMED_OUT",
                "DELIVERY_FAILED STEP_FAILED SUCCEEDED", "FAILED RETRY_DELIVERY ACCEPTED");
        assertThat(allowed).as("allowed moves the table refuses").filteredOn(m -> !allows(m)).isEmpty();
        assertThat(refused).as("refused moves the table allows").filteredOn(JobMovesTest::allows).isEmpty();
    }

    private static boolean allows(String move) {
        String[] words = move.split(" ");
        return JobMoves.allows(JobState.valueOf(words[0]), On.valueOf(words[1]), JobState.valueOf(words[2]));
    }

    @Test
    void aJobWaitsOnlyInAStateThatIsCheckedAgain() {
        assertThat(EnumSet.allOf(JobState.class).stream().filter(JobMoves::mayWaitIn).collect(Collectors.toList()))
                .containsExactly(ACCEPTED, HELD_BUDGET, SUBMITTING, SUBMITTED, RUNNING, SUCCEEDED, TIMED_OUT);
    }

    @Test
    void anIllegalMoveFailsNamingTheJobAndBothStates() {
        Job job = job(DELIVERED);
        assertThatThrownBy(() -> JobMoves.enter(job, On.DEADLINE, TIMED_OUT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("job k1").hasMessageContaining("DELIVERED -> TIMED_OUT");
        assertThat(job.getState()).as("nothing changed").isEqualTo(DELIVERED);
        assertThatThrownBy(() -> JobMoves.checkStay(job))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("job k1").hasMessageContaining("DELIVERED -> DELIVERED");
        assertThatThrownBy(() -> JobMoves.check("k2", SUBMITTING, On.CANCEL, CANCELLED))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("job k2: SUBMITTING -> CANCELLED");
    }

    @Test
    void aLegalMoveChangesTheStateAndAStayIsAllowedWhereTheJobWaits() {
        Job job = job(SUBMITTED);
        JobMoves.enter(job, On.CHECK, RUNNING);
        assertThat(job.getState()).isEqualTo(RUNNING);
        // a retry at the provider of a generation still SUBMITTED stays SUBMITTED
        assertThatCode(() -> JobMoves.enter(job(SUBMITTED), On.RETRY_AT_PROVIDER, SUBMITTED))
                .doesNotThrowAnyException();
        assertThatCode(() -> JobMoves.checkStay(job(TIMED_OUT))).doesNotThrowAnyException();
    }

    @Test
    void theOperatorsStatesAreTheTables() {
        assertThat(OperatorActions.CANCELLABLE).containsExactly(ACCEPTED, HELD_BUDGET, SUBMITTED, RUNNING,
                NEEDS_ATTENTION);
        assertThat(OperatorActions.RETRYABLE).containsExactly(FAILED, TIMED_OUT, DELIVERY_FAILED);
        assertThat(JobMoves.from(On.RETRY_GENERATION, ACCEPTED)).isEqualTo(List.of(FAILED, TIMED_OUT));
    }

    @Test
    void theDocsShowTheTableOfTheCode() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("docs/how-it-works.md"));
        int start = lines.indexOf("| from | on | to |");
        assertThat(start).as("the table's header in docs/how-it-works.md").isNotNegative();
        String docs = lines.subList(start, lines.size()).stream().takeWhile(l -> l.startsWith("|"))
                .map(l -> l + "\n").collect(Collectors.joining());
        assertThat(docs).as("docs/how-it-works.md's table of moves, made from JobMoves.markdown()")
                .isEqualTo(JobMoves.markdown());
    }

    private static Job job(JobState state) {
        Job job = new Job();
        job.setKey(state == DELIVERED ? "k1" : "k0");
        job.setState(state);
        return job;
    }
}
