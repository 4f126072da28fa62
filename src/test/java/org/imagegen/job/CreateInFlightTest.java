package org.imagegen.job;

import java.util.List;

import org.imagegen.provider.FindResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A create whose sender died is searched for by the instance that takes the job over. A search cannot see a create
 * still on its way (sent, not yet made by the provider), so "not found" is believed only once that create can no
 * longer arrive - its response timeout after it left - or once its sender recorded that it ended unconfirmed.
 * Believed too soon, it would be paid for twice.
 */
class CreateInFlightTest extends TwoInstancesOnOneStore {

    private static final long CREATE_TIMEOUT_MS = 30_000;

    private JobTransitions transitions;
    private Reconciliation reconciliation;

    CreateInFlightTest() {
        super("in-flight", "all-images");
    }

    @BeforeEach
    void transitionsAndReconciliation() {
        // a "not found" reconciliation needs the store, the history and the clock only
        transitions = new JobTransitions(store, queries, null, null, null, null, clock);
        reconciliation = new Reconciliation(new StepServices(transitions, null, null, clock), queries,
                p -> CREATE_TIMEOUT_MS);
    }

    private List<Job> claimDue(JobClaims claims) {
        return statusLoop(claims).claimDue();
    }

    /** A claims the job and sends its create at {@code sentAt}, then dies without a word. */
    private void createLeftAndSenderDied(long sentAt) {
        Job claimedByA = claimDue(claimsA).get(0);
        clock.at(sentAt);
        new Submission(store, transitions, null, clock, LEASE).markSubmitting(claimedByA);
    }

    @Test
    void aSearchSoonAfterTheSenderDiedThatFindsNothingIsMadeAgainOnceTheCreateCanNoLongerArrive() {
        createLeftAndSenderDied(100);

        clock.at(3_200); // A's lease ran out; B takes the job over while A's create may still be on its way
        Job takenOver = claimDue(claimsB).get(0);
        assertThat(takenOver.getState()).isEqualTo(JobState.SUBMITTING);
        reconciliation.settle(takenOver, FindResult.notFound());

        Job row = queries.find("k1").orElseThrow();
        assertThat(row.getState()).as("not yet believed never made").isEqualTo(JobState.SUBMITTING);
        assertThat(row.getNextCheckAt()).as("searched again when it can no longer arrive")
                .isEqualTo(100 + CREATE_TIMEOUT_MS);
        assertThat(claimDue(claimsB)).as("not due before then").isEmpty();

        clock.at(100 + CREATE_TIMEOUT_MS); // the create made nothing after all: now it is sent again
        Job again = claimDue(claimsB).get(0);
        reconciliation.settle(again, FindResult.notFound());
        assertThat(queries.find("k1").orElseThrow().getState()).isEqualTo(JobState.ACCEPTED);
        assertThat(queries.history("k1")).extracting(JobEvent::detail)
                .contains("the lost create never reached the provider");
    }

    @Test
    void theLateCreateIsFoundByTheSecondSearchAndNothingIsSentAgain() {
        createLeftAndSenderDied(100);
        clock.at(3_200);
        reconciliation.settle(claimDue(claimsB).get(0), FindResult.notFound());

        clock.at(100 + CREATE_TIMEOUT_MS); // meanwhile the first create arrived and was made
        reconciliation.settle(claimDue(claimsB).get(0), FindResult.found("gen-1"));
        Job row = queries.find("k1").orElseThrow();
        assertThat(row.getState()).isEqualTo(JobState.SUBMITTED);
        assertThat(row.getProviderJobId()).isEqualTo("gen-1");
        assertThat(row.getCreateAttempts()).as("one create, the first").isEqualTo(1);
    }

    @Test
    void aCreateItsSenderSawEndUnconfirmedIsBelievedNeverMadeAtOnce() {
        Job claimed = claimDue(claimsA).get(0);
        clock.at(100);
        new Submission(store, transitions, null, clock, LEASE).markSubmitting(claimed);
        clock.at(600); // the provider answered 500: the create ended, made or not
        transitions.createUnconfirmed(claimed, "HTTP 500", 600);

        Job searching = claimDue(claimsA).get(0);
        reconciliation.settle(searching, FindResult.notFound());
        assertThat(queries.find("k1").orElseThrow().getState()).isEqualTo(JobState.ACCEPTED);
        assertThat(queries.history("k1")).extracting(JobEvent::detail)
                .containsSubsequence("create attempt 1", "create unconfirmed: HTTP 500",
                        "the lost create never reached the provider");
    }

    @Test
    void aSenderThatDiedLongerAgoThanTheCreateCouldTakeIsBelievedAtOnce() {
        createLeftAndSenderDied(100);
        clock.at(100 + CREATE_TIMEOUT_MS + 1); // a restart long after the crash
        reconciliation.settle(claimDue(claimsB).get(0), FindResult.notFound());
        assertThat(queries.find("k1").orElseThrow().getState()).isEqualTo(JobState.ACCEPTED);
    }
}
