package org.imagegen.limit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.imagegen.job.Job;
import org.imagegen.job.JobClaims;
import org.imagegen.job.JobState;
import org.imagegen.job.JobStore;
import org.imagegen.job.Save;
import org.imagegen.job.Submission;
import org.imagegen.support.MigratedStores;
import org.imagegen.support.StoreInstance;
import org.imagegen.support.TestJobs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Provider limits weighed in the job store: two instances, each with its own connections, sending creates at once
 * never have more generations in flight, or more creates in a minute, than the limit together (on H2 and on
 * PostgreSQL); a slot frees when a generation ends, or when the oldest create of the minute leaves the window. What
 * each limit counts now (the API's and the metrics' view) reads the same from either instance.
 */
class LimitLedgerTest {

    /** 2026-11-30 12:00 UTC. */
    private static final long NOON = 1_796_040_000_000L;

    private Supplier<DataSource> store = MigratedStores.h2("limits");

    /** One bundle's view of the shared store; {@link #waits} says why its last refused create waits. */
    private record Instance(StoreInstance on, LimitLedger ledger, List<LimitLedger.Wait> waits) {
        JobStore store() {
            return on.store();
        }

        JobClaims claims() {
            return on.claims();
        }

        boolean send(Job job, long now) {
            LimitLedger.Admission admission = ledger.admission(job.getProvider(), now);
            job.setState(JobState.SUBMITTING);
            boolean sent = store().saveWhileLeased(job, Submission.CREATE_SENT + "1", now, now, admission::holds);
            if (!sent) {
                job.setState(JobState.ACCEPTED); // as Submission puts it back
                synchronized (waits) {
                    waits.add(admission.waiting());
                }
            }
            return sent;
        }
    }

    private Instance instance(String name, Map<String, String> limits) {
        StoreInstance on = StoreInstance.on(store, name);
        LimitLedger ledger = new LimitLedger(on.dataSource(), ProviderLimits.of(limits));
        ledger.createLocks();
        return new Instance(on, ledger, new ArrayList<>());
    }

    private static void accept(Instance instance, int jobs) {
        for (int i = 0; i < jobs; i++) {
            instance.store().insertIfAbsent(TestJobs.accepted("job-" + i, "bfl", 1, null), 0);
        }
    }

    /** Two instances under one limit, with 15 jobs claimed by each out of 30 on their store. */
    private record Claimed(Instance a, Instance b, List<Job> byA, List<Job> byB) {

        /** Jobs of A's and of B's, each sent at once at {@code now} by its instance: how many were let through. */
        int sendAtOnce(List<Job> ofA, List<Job> ofB, long now) throws Exception {
            return (int) StoreInstance.sendAtOnce(ofA, job -> a.send(job, now), ofB, job -> b.send(job, now)).stream()
                    .filter(sent -> sent).count();
        }

        /** The claimed jobs of both instances that are in {@code state} now. */
        List<Job> in(JobState state) {
            List<Job> jobs = new ArrayList<>(byA);
            jobs.addAll(byB);
            jobs.removeIf(job -> job.getState() != state);
            return jobs;
        }
    }

    /** Two instances on a fresh {@code database} store under {@code limit}: 30 jobs, 15 claimed by each. */
    private Claimed claimedByTwo(String database, Map<String, String> limit, long leaseUntil) {
        store = MigratedStores.of(database, "limit_test");
        Instance a = instance("node-a/1", limit);
        Instance b = instance("node-b/1", limit);
        accept(a, 30);
        return new Claimed(a, b, a.claims().claimDue(15, NOON, leaseUntil), b.claims().claimDue(15, NOON, leaseUntil));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void twoInstancesNeverHaveMoreInFlightThanMaxConcurrent(String database) throws Exception {
        Claimed two = claimedByTwo(database, Map.of("imagegen.providers.bfl.max-concurrent", "5"), NOON + 60_000);
        Instance a = two.a();
        Instance b = two.b();
        assertThat(two.sendAtOnce(two.byA(), two.byB(), NOON)).as("creates let through by 5 at once").isEqualTo(5);
        assertThat(a.waits().get(0).reason()).isEqualTo("waiting: bfl has 5 generations in flight "
                + "(imagegen.providers.bfl.max-concurrent = 5)");
        assertThat(a.waits().get(0).freesAt()).isNull();
        // what the API and the metrics show, the same from either instance
        assertThat(b.ledger().status(NOON)).containsExactly(new LimitLedger.Status("bfl", 5, 5, null, 5, null));

        // two of them end (one delivered, one failed): exactly two more may go, from either instance
        List<Job> inFlight = two.in(JobState.SUBMITTING);
        finish(a, inFlight.get(0), JobState.DELIVERED);
        finish(a, inFlight.get(1), JobState.FAILED);
        assertThat(a.ledger().status(NOON).get(0).inFlight()).isEqualTo(3);
        List<Job> waiting = two.in(JobState.ACCEPTED);
        int more = 0;
        for (int i = 0; i < waiting.size(); i++) {
            more += (i % 2 == 0 ? a : b).send(waiting.get(i), NOON + 1) ? 1 : 0;
        }
        assertThat(more).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void twoInstancesNeverSendMoreCreatesInAMinuteThanTheLimit(String database) throws Exception {
        Claimed two = claimedByTwo(database, Map.of("imagegen.providers.bfl.creates-per-minute", "7"), NOON + 120_000);
        Instance b = two.b();
        assertThat(two.sendAtOnce(two.byA(), two.byB(), NOON)).as("creates in a minute of 7").isEqualTo(7);
        LimitLedger.Wait wait = two.a().waits().get(0);
        assertThat(wait.reason()).isEqualTo("waiting: bfl had 7 creates in the last minute "
                + "(imagegen.providers.bfl.creates-per-minute = 7)");
        assertThat(wait.freesAt()).isEqualTo(NOON + 60_000);
        assertThat(b.ledger().status(NOON)).containsExactly(new LimitLedger.Status("bfl", null, 7, 7, 7, null));
        assertThat(b.ledger().status(NOON + 60_000).get(0).createsLastMinute()).as("the minute has passed").isZero();

        // none more before the minute is over (the ones sent are in flight still: that limits nothing here)
        List<Job> waiting = two.in(JobState.ACCEPTED);
        assertThat(b.send(waiting.get(0), NOON + 59_999)).isFalse();
        List<Job> sendAgainByA = waiting.subList(0, 11);
        List<Job> sendAgainByB = waiting.subList(11, waiting.size());
        assertThat(two.sendAtOnce(sendAgainByA, sendAgainByB, NOON + 60_000)).as("the next minute's 7")
                .isEqualTo(7);
    }

    @Test
    void aPauseOneInstanceWasAskedForHoldsTheOthersCreates() {
        Map<String, String> limit = Map.of("imagegen.providers.bfl.creates-per-minute", "100");
        Instance a = instance("node-a/1", limit);
        Instance b = instance("node-b/1", limit);
        accept(a, 2);
        List<Job> claimedByB = b.claims().claimDue(2, NOON, NOON + 120_000);
        a.ledger().pause("bfl", NOON + 30_000); // a create of a's was answered 429, Retry-After: 30
        a.ledger().pause("bfl", NOON + 10_000); // an earlier end never shortens it
        assertThat(b.send(claimedByB.get(0), NOON + 29_999)).isFalse();
        assertThat(b.waits().get(0).reason()).startsWith("waiting: bfl asked every caller to wait until "
                + "2026-11-30T12:00:30Z");
        assertThat(b.waits().get(0).freesAt()).isEqualTo(NOON + 30_000);
        assertThat(a.ledger().status(NOON + 29_999).get(0).pausedUntil()).isEqualTo(NOON + 30_000);
        assertThat(a.ledger().status(NOON + 30_000).get(0).pausedUntil()).as("passed: no pause").isNull();
        assertThat(b.send(claimedByB.get(0), NOON + 30_000)).isTrue();
        assertThat(b.send(claimedByB.get(1), NOON + 30_000)).isTrue();
    }

    private static void finish(Instance instance, Job job, JobState state) {
        job.setState(state);
        instance.store().save(job, Save.withEvent(state.name()).keepingClaim(), NOON);
    }

    @Test
    void badSettingsAreRefusedNamingTheirKey() {
        assertThatThrownBy(() -> ProviderLimits.of(Map.of("imagegen.providers.bfl.max-concurrent", "many")))
                .hasMessageStartingWith("imagegen.providers.bfl.max-concurrent: 'many' is not a whole number");
        assertThatThrownBy(() -> ProviderLimits.of(Map.of("imagegen.providers.bfl.creates-per-minute", "0")))
                .hasMessageStartingWith("imagegen.providers.bfl.creates-per-minute: '0' is not a limit");
        assertThatThrownBy(() -> ProviderLimits.of(Map.of("imagegen.providers.bfl.max-concurrent", "-1")))
                .hasMessageStartingWith("imagegen.providers.bfl.max-concurrent: '-1' is not a limit");
        ProviderLimits limits = ProviderLimits.of(Map.of("imagegen.providers.bfl.max-concurrent", "0",
                "imagegen.providers.leonardo.max-concurrent", "10",
                "imagegen.providers.leonardo.creates-per-minute", "100",
                "imagegen.providers.replicate.creates-per-minute", " ",
                "imagegen.providers.bfl.max-in-flight", "many"));
        assertThat(limits.applies("bfl")).as("0: no limit").isFalse();
        assertThat(limits.applies("replicate")).as("empty: no limit").isFalse();
        assertThat(limits.maxConcurrent("leonardo")).isEqualTo(10);
        assertThat(limits.createsPerMinute("leonardo")).isEqualTo(100);
        assertThat(limits.providers()).containsExactly("leonardo");
    }
}
