package org.imagegen.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.imagegen.request.GenerationRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two instances' lifecycles on one job store, with a clock the test moves: an instance paused past its lease (a
 * stop-the-world pause, a frozen VM, SIGSTOP) that wakes just before a create must not write SUBMITTING, the write
 * the submit route makes before the create leaves, so it sends no create; nor, woken in a delivery, write to a sink.
 */
class PausedInstanceTest {

    private static final Duration LEASE = Duration.ofSeconds(3);

    private final MovableClock clock = new MovableClock();
    private JobStore storeA;
    private JobStore storeB;

    @BeforeEach
    void database() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:paused-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        storeA = new JobStore(dataSource, new ObjectMapper(), "node-a/1");
        storeB = new JobStore(dataSource, new ObjectMapper(), "node-b/1");
        Job job = new Job();
        job.setKey("k1");
        job.setProvider("openai");
        job.setState(JobState.ACCEPTED);
        job.setRequest(new GenerationRequest("k1", false, "openai", "p", null, null, null, null, Map.of(), Map.of(),
                List.of("outbox")));
        job.setAcceptedAt(0);
        job.setNextCheckAt(0L);
        job.setDeadlineAt(Long.MAX_VALUE);
        storeA.insertIfAbsent(job, 0);
    }

    /** Only the claim and the SUBMITTING write are exercised: they need the store and the clock, nothing else. */
    private JobLifecycle lifecycle(JobStore store) {
        return new JobLifecycle(store, null, null, Map.of(), null, clock, 10, LEASE, 3, null, null);
    }

    @Test
    void anInstanceWokenAfterAnotherTookItsJobOverSendsNoCreate() {
        JobLifecycle a = lifecycle(storeA);
        JobLifecycle b = lifecycle(storeB);
        Job claimedByA = a.claimDue().get(0);

        clock.at(4_000); // A paused past its lease; B claims the job and sends its create
        Job claimedByB = b.claimDue().get(0);
        b.markSubmitting(claimedByB);

        clock.at(4_100); // A wakes just before its create
        assertThatThrownBy(() -> a.markSubmitting(claimedByA)).isInstanceOf(LeaseLostException.class);
        assertThat(claimedByA.getState()).as("A's copy put back").isEqualTo(JobState.ACCEPTED);
        assertThat(claimedByA.isCreateInFlight()).as("A sends no create").isFalse();
        Job row = storeA.find("k1").orElseThrow();
        assertThat(row.getCreateAttempts()).as("B's create alone").isEqualTo(1);
        assertThat(row.getLeaseOwner()).isEqualTo(claimedByB.getLeaseOwner());
    }

    @Test
    void anInstanceWokenAfterItsLeaseRanOutSendsNoCreateEvenIfNobodyClaimedTheJob() {
        JobLifecycle a = lifecycle(storeA);
        Job claimedByA = a.claimDue().get(0);

        clock.at(3_500); // A wakes after its lease ran out; B has not claimed the job yet
        assertThatThrownBy(() -> a.markSubmitting(claimedByA)).isInstanceOf(LeaseLostException.class);
        assertThat(claimedByA.isCreateInFlight()).isFalse();
        assertThat(storeA.find("k1").orElseThrow().getState()).isEqualTo(JobState.ACCEPTED);
        assertThat(storeA.history("k1")).extracting(JobEvent::state).containsExactly(JobState.ACCEPTED);

        // had A written SUBMITTING, B would now find a create it cannot tell was sent; instead B simply submits
        Job claimedByB = lifecycle(storeB).claimDue().get(0);
        assertThat(claimedByB.getState()).isEqualTo(JobState.ACCEPTED);
        lifecycle(storeB).markSubmitting(claimedByB);
        assertThat(storeB.find("k1").orElseThrow().getState()).isEqualTo(JobState.SUBMITTING);
    }

    @Test
    void aCreateIsNotStartedWithLessThanHalfTheLeaseLeftAtTheMomentOfSending() {
        JobLifecycle a = lifecycle(storeA);
        Job late = a.claimDue().get(0);
        clock.at(1_600); // claimed at 0 with a 3 s lease: 1.4 s left
        assertThatThrownBy(() -> a.markSubmitting(late)).isInstanceOf(LeaseLostException.class);
        assertThat(storeA.find("k1").orElseThrow().getState()).isEqualTo(JobState.ACCEPTED);

        clock.at(3_001); // the lease ran out: claimed afresh, and with the whole lease ahead the create may leave
        Job again = a.claimDue().get(0);
        clock.at(4_400);
        a.markSubmitting(again);
        assertThat(again.isCreateInFlight()).isTrue();
        assertThat(storeA.find("k1").orElseThrow().getState()).isEqualTo(JobState.SUBMITTING);
    }

    @Test
    void aDeliveryWokenAfterItsLeaseRanOutIsRefusedBeforeAnySinkIsWritten() {
        Job claimedByA = lifecycle(storeA).claimDue().get(0);
        clock.at(2_900);
        storeA.confirmLease(claimedByA, clock.millis()); // still A's: it may write to the sinks

        clock.at(3_100); // A paused while downloading the images; its lease ran out, nobody claimed the job yet
        assertThatThrownBy(() -> storeA.confirmLease(claimedByA, clock.millis()))
                .isInstanceOf(LeaseLostException.class);
        Job claimedByB = lifecycle(storeB).claimDue().get(0);
        storeB.confirmLease(claimedByB, clock.millis());
        assertThatThrownBy(() -> storeA.confirmLease(claimedByA, clock.millis()))
                .isInstanceOf(LeaseLostException.class);
    }

    /** A clock the test sets. */
    private static final class MovableClock extends Clock {
        private volatile long millis;

        void at(long millis) {
            this.millis = millis;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
