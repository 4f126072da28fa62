package org.imagegen.spend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import javax.sql.DataSource;

import org.imagegen.job.Job;
import org.imagegen.job.JobClaims;
import org.imagegen.job.JobState;
import org.imagegen.job.JobStore;
import org.imagegen.job.Save;
import org.imagegen.request.GenerationRequest;
import org.imagegen.support.MigratedStores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Budgets weighed in the job store: two instances, each with its own connections, sending creates against one budget
 * at once never let more through than it holds (on H2 and on PostgreSQL); a job's real cost replaces its reservation, a job that ends
 * uncharged frees it, and a reservation counts only in its own period (UTC).
 */
class BudgetLedgerTest {

    /** 2026-11-30 12:00 UTC. */
    private static final long NOON = 1_796_040_000_000L;
    private static final long DAY = 86_400_000L;
    private static final Map<String, String> PRICED = Map.of(
            "imagegen.providers.fal.price", "1",
            "imagegen.providers.fal.price-unit", "USD");

    /** A new data source on the test's store: each instance has its own connections. */
    private Supplier<DataSource> store;

    @BeforeEach
    void database() {
        store = MigratedStores.h2("budgets");
    }

    /** The same on PostgreSQL. */
    private void onPostgres() {
        store = MigratedStores.postgres("budget_test");
    }

    /** One bundle's view of the shared store: its own data source, store, claims and ledger. */
    private record Instance(JobStore store, JobClaims claims, BudgetLedger ledger) {
        boolean send(Job job, long now) {
            BudgetLedger.Reservation reservation = ledger.reservation(job.getKey(), job.getProvider(), null,
                    job.getRequest().count(), now);
            job.setState(JobState.SUBMITTING);
            return store.saveWhileLeased(job, "create", now, now, reservation::holds);
        }
    }

    private Instance instance(String name, Map<String, String> budgets) {
        DataSource dataSource = store.get();
        Prices prices = Prices.of(PRICED);
        BudgetLedger ledger = new BudgetLedger(dataSource, Budgets.of(budgets, prices, Duration.ofMinutes(1)), prices);
        ledger.createLocks();
        ObjectMapper json = new ObjectMapper();
        return new Instance(new JobStore(dataSource, json), new JobClaims(dataSource, json, name), ledger);
    }

    private void accept(Instance instance, int jobs, Integer count) {
        for (int i = 0; i < jobs; i++) {
            String key = "job-" + i;
            Job job = new Job();
            job.setKey(key);
            job.setProvider("fal");
            job.setState(JobState.ACCEPTED);
            job.setRequest(new GenerationRequest(key, false, "fal", "p", null, null, count, null, Map.of(), Map.of(),
                    List.of("outbox")));
            job.setAcceptedAt(0);
            job.setNextCheckAt(0L);
            job.setDeadlineAt(Long.MAX_VALUE);
            instance.store().insertIfAbsent(job, 0);
        }
    }

    @Test
    void twoInstancesSendingAtOnceNeverPassTheBudgetTogether() throws Exception {
        sendAtOnceFromTwoInstances();
    }

    @Test
    void twoInstancesSendingAtOnceNeverPassTheBudgetTogetherOnPostgres() throws Exception {
        onPostgres();
        sendAtOnceFromTwoInstances();
    }

    private void sendAtOnceFromTwoInstances() throws Exception {
        Map<String, String> budget = Map.of("imagegen.budgets.fal.per-day", "7");
        Instance a = instance("node-a/1", budget);
        Instance b = instance("node-b/1", budget);
        accept(a, 30, null);
        List<Job> claimedByA = a.claims().claimDue(15, NOON, NOON + 60_000);
        List<Job> claimedByB = b.claims().claimDue(15, NOON, NOON + 60_000);
        assertThat(claimedByA).hasSize(15);
        assertThat(claimedByB).hasSize(15);

        List<Callable<Boolean>> sends = new ArrayList<>();
        claimedByA.forEach(job -> sends.add(() -> a.send(job, NOON)));
        claimedByB.forEach(job -> sends.add(() -> b.send(job, NOON)));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        int sent = 0;
        try {
            for (Future<Boolean> result : threads.invokeAll(sends)) {
                sent += result.get() ? 1 : 0;
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(sent).as("creates let through by a budget of 7 at 1 each").isEqualTo(7);
        BudgetLedger.Usage usage = a.ledger().usage(NOON).get(0);
        assertThat(usage.used()).isCloseTo(7, within(1e-9));
        assertThat(usage.remaining()).isCloseTo(0, within(1e-9));
        assertThat(b.ledger().usage(NOON).get(0).used()).isCloseTo(7, within(1e-9));
    }

    @Test
    void aRealCostReplacesTheReservationAndAJobEndedUnchargedFreesIt() {
        Instance a = instance("node-a/1", Map.of("imagegen.budgets.fal.per-day", "10",
                "imagegen.budgets.fal.per-month", "100"));
        accept(a, 4, 3); // three images each: 3 USD reserved per create
        List<Job> jobs = a.claims().claimDue(4, NOON, NOON + 60_000);
        assertThat(a.send(jobs.get(0), NOON)).isTrue();
        assertThat(a.send(jobs.get(1), NOON)).isTrue();
        assertThat(a.send(jobs.get(2), NOON)).isTrue();
        BudgetLedger.Reservation fourth = a.ledger().reservation(jobs.get(3).getKey(), "fal", null, 3, NOON);
        jobs.get(3).setState(JobState.SUBMITTING);
        assertThat(a.store().saveWhileLeased(jobs.get(3), "create", NOON, NOON, fourth::holds))
                .as("9 reserved, 3 more would pass 10").isFalse();
        assertThat(fourth.over().budget().key()).isEqualTo("imagegen.budgets.fal.per-day");
        assertThat(fourth.over().reason()).isEqualTo("budget imagegen.budgets.fal.per-day (10 USD) would be passed: "
                + "9 spent or reserved this day, this create 3");

        // the first one cost less than reserved (two images delivered), the second failed uncharged
        Job cheaper = jobs.get(0);
        cheaper.setState(JobState.DELIVERED);
        cheaper.setCost(2.0);
        cheaper.setCostUnit("USD");
        a.store().save(cheaper, Save.withEvent("delivered").keepingClaim(), NOON);
        Job failed = jobs.get(1);
        failed.setState(JobState.FAILED);
        a.store().save(failed, Save.withEvent("failed").keepingClaim(), NOON);
        assertThat(a.ledger().usage(NOON)).extracting(BudgetLedger.Usage::used).containsExactly(5.0, 5.0);
        assertThat(a.send(jobs.get(3), NOON)).as("8 with it: within 10").isTrue();

        // another day of the same month: its day counts none of them, its month all; the next month none
        List<BudgetLedger.Usage> dayBefore = a.ledger().usage(NOON - DAY);
        assertThat(dayBefore.get(0).budget().period()).isEqualTo(Budgets.Period.DAY);
        assertThat(dayBefore.get(0).used()).isZero();
        assertThat(dayBefore.get(0).periodStart()).isEqualTo(NOON - DAY - 12 * 3_600_000L);
        assertThat(dayBefore.get(1).used()).isCloseTo(8, within(1e-9));
        assertThat(a.ledger().usage(NOON + DAY)).extracting(BudgetLedger.Usage::used).containsExactly(0.0, 0.0);
    }

    @Test
    void periodsAreUtcDaysAndMonths() {
        assertThat(Budgets.Period.DAY.start(NOON)).isEqualTo(NOON - 12 * 3_600_000L);
        assertThat(Budgets.Period.DAY.end(NOON)).isEqualTo(NOON + 12 * 3_600_000L);
        long december = NOON + 12 * 3_600_000L; // 2026-12-01 00:00 UTC
        assertThat(Budgets.Period.MONTH.start(NOON)).isEqualTo(december - 30 * DAY);
        assertThat(Budgets.Period.MONTH.end(NOON)).isEqualTo(december);
        assertThat(Budgets.Period.MONTH.start(december)).isEqualTo(december);
    }

    @Test
    void badSettingsAreRefusedNamingTheirKey() {
        Prices prices = Prices.of(PRICED);
        Duration minute = Duration.ofMinutes(1);
        assertThatThrownBy(() -> Budgets.of(Map.of("imagegen.budgets.bfl.per-day", "5"), prices, minute))
                .hasMessageContaining("imagegen.budgets.bfl.per-day")
                .hasMessageContaining("imagegen.providers.bfl.price");
        assertThatThrownBy(() -> Budgets.of(Map.of("imagegen.budgets.fal.per-day", "lots"), prices, minute))
                .hasMessageStartingWith("imagegen.budgets.fal.per-day: 'lots' is not a number");
        assertThatThrownBy(() -> Budgets.of(Map.of("imagegen.budgets.fal.per-week", "5"), prices, minute))
                .hasMessageStartingWith("imagegen.budgets.fal.per-week: not a budget setting");
        assertThatThrownBy(() -> Budgets.of(Map.of("imagegen.budgets.when-over", "queue"), prices, minute))
                .hasMessageStartingWith("imagegen.budgets.when-over: 'queue' is neither hold nor refuse");
        assertThatThrownBy(() -> Budgets.of(Map.of("imagegen.budgets.total.per-month", "5"), prices, minute))
                .hasMessageContaining("no overall budget");
        Budgets refusing = Budgets.of(Map.of("imagegen.budgets.fal.per-month", "5",
                "imagegen.budgets.when-over", "refuse"), prices, minute);
        assertThat(refusing.refuses()).isTrue();
        assertThat(refusing.of("fal")).singleElement().extracting(Budgets.Budget::unit).isEqualTo("USD");
        assertThat(refusing.of("bfl")).isEmpty();
    }
}
