package org.imagegen.job;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two instances' lifecycles on one job store, with a clock the test moves: an instance paused past its lease (a
 * stop-the-world pause, a frozen VM, SIGSTOP) that wakes just before a create must not write SUBMITTING, the write
 * the submit route makes before the create leaves, so it sends no create; nor, woken in a delivery, write to a sink.
 */
class PausedInstanceTest extends TwoInstancesOnOneStore {

    PausedInstanceTest() {
        super("paused", "openai");
    }

    /** One instance's claims and submissions: only the claim and the SUBMITTING write are exercised. */
    private record Instance(StatusLoop loop, Submission submission) {
        List<Job> claimDue() {
            return loop.claimDue();
        }

        void markSubmitting(Job job) {
            submission.markSubmitting(job);
        }
    }

    /** They need the store and the clock, nothing else. */
    private Instance lifecycle(JobClaims claims) {
        return new Instance(statusLoop(claims), new Submission(store, null, null, clock, LEASE));
    }

    @Test
    void anInstanceWokenAfterAnotherTookItsJobOverSendsNoCreate() {
        Instance a = lifecycle(claimsA);
        Instance b = lifecycle(claimsB);
        Job claimedByA = a.claimDue().get(0);

        clock.at(4_000); // A paused past its lease; B claims the job and sends its create
        Job claimedByB = b.claimDue().get(0);
        b.markSubmitting(claimedByB);

        clock.at(4_100); // A wakes just before its create
        assertThatThrownBy(() -> a.markSubmitting(claimedByA)).isInstanceOf(LeaseLostException.class);
        assertThat(claimedByA.getState()).as("A's copy put back").isEqualTo(JobState.ACCEPTED);
        assertThat(claimedByA.isCreateInFlight()).as("A sends no create").isFalse();
        Job row = queries.find("k1").orElseThrow();
        assertThat(row.getCreateAttempts()).as("B's create alone").isEqualTo(1);
        assertThat(row.getLeaseOwner()).isEqualTo(claimedByB.getLeaseOwner());
    }

    @Test
    void anInstanceWokenAfterItsLeaseRanOutSendsNoCreateEvenIfNobodyClaimedTheJob() {
        Instance a = lifecycle(claimsA);
        Job claimedByA = a.claimDue().get(0);

        clock.at(3_500); // A wakes after its lease ran out; B has not claimed the job yet
        assertThatThrownBy(() -> a.markSubmitting(claimedByA)).isInstanceOf(LeaseLostException.class);
        assertThat(claimedByA.isCreateInFlight()).isFalse();
        assertThat(queries.find("k1").orElseThrow().getState()).isEqualTo(JobState.ACCEPTED);
        assertThat(queries.history("k1")).extracting(JobEvent::state).containsExactly(JobState.ACCEPTED);

        // had A written SUBMITTING, B would now find a create it cannot tell was sent; instead B simply submits
        Job claimedByB = lifecycle(claimsB).claimDue().get(0);
        assertThat(claimedByB.getState()).isEqualTo(JobState.ACCEPTED);
        lifecycle(claimsB).markSubmitting(claimedByB);
        assertThat(queries.find("k1").orElseThrow().getState()).isEqualTo(JobState.SUBMITTING);
    }

    @Test
    void aCreateIsNotStartedWithLessThanHalfTheLeaseLeftAtTheMomentOfSending() {
        Instance a = lifecycle(claimsA);
        Job late = a.claimDue().get(0);
        clock.at(1_600); // claimed at 0 with a 3 s lease: 1.4 s left
        assertThatThrownBy(() -> a.markSubmitting(late)).isInstanceOf(LeaseLostException.class);
        assertThat(queries.find("k1").orElseThrow().getState()).isEqualTo(JobState.ACCEPTED);

        clock.at(3_001); // the lease ran out: claimed afresh, and with the whole lease ahead the create may leave
        Job again = a.claimDue().get(0);
        clock.at(4_400);
        a.markSubmitting(again);
        assertThat(again.isCreateInFlight()).isTrue();
        assertThat(queries.find("k1").orElseThrow().getState()).isEqualTo(JobState.SUBMITTING);
    }

    @Test
    void aDeliveryWokenAfterItsLeaseRanOutIsRefusedBeforeAnySinkIsWritten() {
        Job claimedByA = lifecycle(claimsA).claimDue().get(0);
        clock.at(2_900);
        claimsA.confirmLease(claimedByA, clock.millis()); // still A's: it may write to the sinks

        clock.at(3_100); // A paused while downloading the images; its lease ran out, nobody claimed the job yet
        assertThatThrownBy(() -> claimsA.confirmLease(claimedByA, clock.millis()))
                .isInstanceOf(LeaseLostException.class);
        Job claimedByB = lifecycle(claimsB).claimDue().get(0);
        claimsB.confirmLease(claimedByB, clock.millis());
        assertThatThrownBy(() -> claimsA.confirmLease(claimedByA, clock.millis()))
                .isInstanceOf(LeaseLostException.class);
    }
}
