package org.imagegen.job;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

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

/**
 * The job's state machine, written down: which state may move to which, and on what kind of event. Every move is
 * checked here before anything is written ({@link JobTransitions}, {@link OperatorWrites}); a move the table does
 * not hold fails with an {@link IllegalStateException} naming the job and both states, so a step that goes astray is
 * stopped rather than recorded.
 * <p>
 * A table of its own, not on {@link JobState}: an enum's constants cannot name those declared after them, and the
 * moves read best as rows, one kind of event a row, the way the steps decide. Each row allows every one of its
 * from-states to move to every one of its to-states, so a row holds only moves that all happen. Besides the moves, a
 * job may stay in its state and be checked again later ({@link #mayWaitIn}). Pure: no I/O, no Camel.
 */
public final class JobMoves {

    /** The kind of event a step decides a move on. */
    public enum On {
        /** The create is about to leave ({@link Submission#markSubmitting}). */
        CREATE_SENT("a create leaves"),
        /** A budget holds or refuses the create. */
        BUDGET("a budget holds or refuses the create"),
        /** The provider's estimate says its balance cannot pay the create. */
        ESTIMATE("the estimate says the balance cannot pay"),
        /** The create's answer: a generation, a refusal, "try later", or a synchronous API's finished generation. */
        CREATE_ANSWER("the create's answer"),
        /** The search for a create whose answer was lost ({@link Reconciliation}). */
        SEARCH("the search for a lost create answer"),
        /** A status check's answer ({@link StatusChecks}), a late one included. */
        CHECK("a status check's answer"),
        /** The provider's answer to a retry of a failed generation. */
        RETRY_AT_PROVIDER("a retry at the provider"),
        /** The job's deadline passed. */
        DEADLINE("the deadline"),
        /** The end of a delivery round ({@link JobDelivery}). */
        DELIVERY("a delivery's end"),
        /** A step failed ({@link StepFailures}). */
        STEP_FAILED("a failed step"),
        /** A job on a route over providers moves to the route's next provider (org.imagegen.routing.Fallover). */
        ROUTE("a route's next provider"),
        /** An operator cancels the job. */
        CANCEL("an operator's cancel"),
        /** An operator retries a failed delivery. */
        RETRY_DELIVERY("an operator's delivery retry"),
        /** An operator retries a failed or timed-out generation (paid again). */
        RETRY_GENERATION("an operator's generation retry");

        private final String words;

        On(String words) {
            this.words = words;
        }

        /** How the docs' table says it. */
        public String words() {
            return words;
        }
    }

    /** Each of {@code from} may move to each of {@code to} on {@code on}. */
    public record Row(Set<JobState> from, On on, Set<JobState> to) {
    }

    /** The table, in the order of a job's life. */
    public static final List<Row> ROWS = List.of(
            row(states(ACCEPTED, HELD_BUDGET), On.CREATE_SENT, states(SUBMITTING)),
            row(states(ACCEPTED), On.BUDGET, states(HELD_BUDGET)),
            row(states(ACCEPTED, HELD_BUDGET), On.BUDGET, states(FAILED)),
            row(states(ACCEPTED, HELD_BUDGET), On.ESTIMATE, states(FAILED)),
            // a synchronous API's answer is the finished generation; inline images that are no images fail its delivery
            row(states(SUBMITTING), On.CREATE_ANSWER,
                    states(ACCEPTED, SUBMITTED, SUCCEEDED, FAILED, CENSORED, DELIVERY_FAILED)),
            row(states(SUBMITTING), On.SEARCH, states(ACCEPTED, SUBMITTED, SUCCEEDED, NEEDS_ATTENTION)),
            row(states(SUBMITTED), On.CHECK, states(RUNNING)),
            row(states(SUBMITTED, RUNNING), On.CHECK, states(FAILED, CENSORED)),
            // TIMED_OUT: a late check, which only a success ends in another state
            row(states(SUBMITTED, RUNNING, TIMED_OUT), On.CHECK, states(SUCCEEDED, DELIVERY_FAILED)),
            row(states(RUNNING), On.RETRY_AT_PROVIDER, states(SUBMITTED)),
            row(states(SUBMITTED, RUNNING), On.RETRY_AT_PROVIDER, states(FAILED)),
            row(states(ACCEPTED, HELD_BUDGET, SUBMITTED, RUNNING), On.DEADLINE, states(TIMED_OUT)),
            row(states(SUCCEEDED), On.DELIVERY, states(DELIVERED, DELIVERY_FAILED)),
            // a create refused before it left is sent again; a failed download counts against the delivery's attempts
            row(states(SUBMITTING), On.STEP_FAILED, states(ACCEPTED)),
            row(states(SUCCEEDED), On.STEP_FAILED, states(DELIVERY_FAILED)),
            row(states(ACCEPTED, HELD_BUDGET, SUBMITTING, SUBMITTED, RUNNING), On.ROUTE, states(ACCEPTED)),
            // not SUBMITTING: a create is on its way, and its generation would be lost to us
            row(states(ACCEPTED, HELD_BUDGET, SUBMITTED, RUNNING, NEEDS_ATTENTION), On.CANCEL, states(CANCELLED)),
            row(states(DELIVERY_FAILED), On.RETRY_DELIVERY, states(SUCCEEDED)),
            row(states(FAILED, TIMED_OUT), On.RETRY_GENERATION, states(ACCEPTED)));

    private JobMoves() {
    }

    /** Whether {@code from} may move to {@code to} on {@code on}. */
    public static boolean allows(JobState from, On on, JobState to) {
        return ROWS.stream().anyMatch(r -> r.on() == on && r.from().contains(from) && r.to().contains(to));
    }

    /**
     * Whether a job may stay in {@code state}, due again later: every state but the terminal ones, and TIMED_OUT while
     * it is checked late.
     */
    public static boolean mayWaitIn(JobState state) {
        return !state.isTerminal() || state == TIMED_OUT;
    }

    /** The states that may move to {@code to} on {@code on} (an operator's conditional update names them). */
    public static List<JobState> from(On on, JobState to) {
        return EnumSet.allOf(JobState.class).stream().filter(s -> allows(s, on, to)).toList();
    }

    /**
     * Checks a move of the job (still in its present state) to {@code to} on {@code on}; a move to the state it is in
     * is a stay. Throws before anything is written.
     */
    public static void check(Job job, On on, JobState to) {
        check(job.getKey(), job.getState(), on, to);
    }

    static void check(String key, JobState from, On on, JobState to) {
        boolean legal = from == to ? mayWaitIn(from) : allows(from, on, to);
        if (!legal) {
            throw new IllegalStateException("job " + key + ": " + from + " -> " + to + " on " + on
                    + " is not a move of the job's state machine (JobMoves)");
        }
    }

    /**
     * The job takes {@code to}, if the table allows the move: {@link JobTransitions}' moves, and a step that writes the
     * row itself (the create leaving, the create's answer, the delivery's end), move the job here.
     */
    static void enter(Job job, On on, JobState to) {
        check(job, on, to);
        job.setState(to);
    }

    /** Checks that the job may stay in its present state, due again later. */
    static void checkStay(Job job) {
        if (!mayWaitIn(job.getState())) {
            throw new IllegalStateException("job " + job.getKey() + ": " + job.getState() + " -> " + job.getState()
                    + " (checked again later) is not a move of the job's state machine (JobMoves)");
        }
    }

    /** The table as docs/how-it-works.md shows it (a test keeps the two the same). */
    public static String markdown() {
        StringBuilder table = new StringBuilder("| from | on | to |\n|---|---|---|\n");
        for (Row row : ROWS) {
            table.append("| ").append(names(row.from())).append(" | ").append(row.on().words())
                    .append(" (`").append(row.on()).append("`) | ").append(names(row.to())).append(" |\n");
        }
        return table.toString();
    }

    private static String names(Set<JobState> states) {
        return states.stream().map(s -> "`" + s + "`").collect(Collectors.joining(", "));
    }

    private static Row row(Set<JobState> from, On on, Set<JobState> to) {
        return new Row(from, on, to);
    }

    private static Set<JobState> states(JobState first, JobState... rest) {
        // in the enum's order, the order of a job's life, as the docs' table lists them
        return Collections.unmodifiableSet(EnumSet.of(first, rest));
    }
}
