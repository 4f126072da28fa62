package org.imagegen.spend;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.imagegen.job.Job;
import org.imagegen.job.JobClaims;
import org.imagegen.job.JobState;
import org.imagegen.job.JobStore;
import org.imagegen.job.Save;
import org.imagegen.support.MigratedStores;
import org.imagegen.support.StoreInstance;
import org.imagegen.support.TestJobs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Budgets weighed in the job store: two instances, each with its own connections, sending creates against one budget
 * at once never let more through than it holds (on H2 and on PostgreSQL), a provider's, the overall one in a
 * currency over two providers charging in different units, or a route's; a job's real cost replaces its
 * reservation, a job that ends uncharged frees it, and a reservation counts only in its own period (UTC).
 */
class BudgetLedgerTest {

    /** 2026-11-30 12:00 UTC. */
    private static final long NOON = 1_796_040_000_000L;
    private static final long DAY = 86_400_000L;
    private static final Map<String, String> PRICED = Map.of(
            "imagegen.providers.fal.price", "1",
            "imagegen.providers.fal.price-unit", "USD");

    /** A new data source on the test's store: each instance has its own connections. */
    private Supplier<DataSource> store = MigratedStores.h2("budgets");

    /** One bundle's view of the shared store: its own data source, store, claims and ledger. */
    private record Instance(StoreInstance on, BudgetLedger ledger) {
        JobStore store() {
            return on.store();
        }

        JobClaims claims() {
            return on.claims();
        }

        boolean send(Job job, long now) {
            BudgetLedger.Reservation reservation = ledger.reservation(job.getKey(), job.getProvider(),
                    job.getRequest().route(), null, job.getRequest().count(), now);
            job.setState(JobState.SUBMITTING);
            return store().saveWhileLeased(job, "create", now, now, reservation::holds);
        }
    }

    private Instance instance(String name, Map<String, String> budgets) {
        Map<String, String> settings = new HashMap<>(PRICED);
        settings.putAll(budgets);
        StoreInstance on = StoreInstance.on(store, name);
        Prices prices = Prices.of(settings);
        Conversions conversions = Conversions.of(settings);
        BudgetLedger ledger = new BudgetLedger(on.dataSource(), Budgets.of(settings, prices, conversions,
                Duration.ofMinutes(1)), prices, conversions);
        ledger.createLocks();
        return new Instance(on, ledger);
    }

    private void accept(Instance instance, int jobs, Integer count) {
        accept(instance, "job-", "fal", null, jobs, count);
    }

    private void accept(Instance instance, String prefix, String provider, String route, int jobs, Integer count) {
        for (int i = 0; i < jobs; i++) {
            instance.store().insertIfAbsent(TestJobs.accepted(prefix + i, provider, count, route), 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void twoInstancesSendingAtOnceNeverPassTheBudgetTogether(String database) throws Exception {
        store = MigratedStores.of(database, "budget_test");
        Map<String, String> budget = Map.of("imagegen.budgets.fal.per-day", "7");
        Instance a = instance("node-a/1", budget);
        Instance b = instance("node-b/1", budget);
        accept(a, 30, null);

        List<Job> sent = sendAtOnce(a, b, 15);

        assertThat(sent).as("creates let through by a budget of 7 at 1 each").hasSize(7);
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

    /** fal at 1 USD a create; bfl at 3 credits a create, a credit 0.5 USD: 1.5 USD a create. */
    private static final Map<String, String> IN_USD = Map.of(
            "imagegen.spend.currency", "USD",
            "imagegen.providers.bfl.price", "3",
            "imagegen.providers.bfl.price-unit", "credits",
            "imagegen.providers.bfl.unit-price", "0.5");

    private Map<String, String> inUsd(String... budgets) {
        Map<String, String> settings = new HashMap<>(IN_USD);
        for (int i = 0; i + 1 < budgets.length; i += 2) {
            settings.put(budgets[i], budgets[i + 1]);
        }
        return settings;
    }

    /** Every claimed job of both instances sent at once; those let through. */
    private static List<Job> sendAtOnce(Instance a, Instance b, int each) throws Exception {
        List<Job> claimedByA = a.claims().claimDue(each, NOON, NOON + 60_000);
        List<Job> claimedByB = b.claims().claimDue(each, NOON, NOON + 60_000);
        assertThat(claimedByA).hasSize(each);
        assertThat(claimedByB).hasSize(each);
        return StoreInstance.sendAtOnce(claimedByA, job -> a.send(job, NOON) ? job : null,
                claimedByB, job -> b.send(job, NOON) ? job : null).stream().filter(Objects::nonNull).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void twoInstancesNeverPassTheOverallBudgetTogether(String database) throws Exception {
        store = MigratedStores.of(database, "budget_test");
        Map<String, String> budget = inUsd("imagegen.budgets.overall.per-day", "10");
        Instance a = instance("node-a/1", budget);
        Instance b = instance("node-b/1", budget);
        // 6 USD of fal creates and 15 of bfl: whatever the order, some bfl creates fit and some do not
        accept(a, "fal-", "fal", null, 6, null);
        accept(a, "bfl-", "bfl", null, 10, null);

        List<Job> sent = sendAtOnce(a, b, 8);

        long fal = sent.stream().filter(j -> j.getProvider().equals("fal")).count();
        long bfl = sent.stream().filter(j -> j.getProvider().equals("bfl")).count();
        double spent = fal * 1.0 + bfl * 1.5;
        // never more than 10 USD across both providers and instances; and full: what was left when the last create
        // was refused is less than that create (a bfl create is always refused, a fal one maybe)
        assertThat(spent).as(fal + " fal and " + bfl + " bfl creates").isLessThanOrEqualTo(10.0)
                .isGreaterThan(10.0 - (fal < 6 ? 1.0 : 1.5));
        BudgetLedger.Usage usage = b.ledger().usage(NOON).get(0);
        assertThat(usage.budget().key()).isEqualTo("imagegen.budgets.overall.per-day");
        assertThat(usage.budget().unit()).isEqualTo("USD");
        assertThat(usage.used()).isCloseTo(spent, within(1e-9));

        // a real cost replaces the reservation, converted from the provider's own unit: 1 credit is 0.5 USD
        Job cheaper = sent.stream().filter(j -> j.getProvider().equals("bfl")).findFirst().orElseThrow();
        cheaper.setState(JobState.DELIVERED);
        cheaper.setCost(1.0);
        cheaper.setCostUnit("credits");
        a.store().save(cheaper,
                Save.withEvent("delivered").keepingClaim(), NOON);
        assertThat(a.ledger().usage(NOON).get(0).used()).isCloseTo(spent - 1.0, within(1e-9));
        BudgetLedger.Status status = a.ledger().status(NOON).get(0);
        assertThat(status.scope()).isEqualTo("overall");
        assertThat(status.provider()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aRouteBudgetCountsTheJobsOnItsRouteOnlyAndHoldsAcrossInstances(String database) throws Exception {
        store = MigratedStores.of(database, "budget_test");
        Map<String, String> budgets = inUsd("imagegen.budgets.overall.per-month", "100",
                "imagegen.budgets.route.fast.per-day", "3");
        Instance a = instance("node-a/1", budgets);
        Instance b = instance("node-b/1", budgets);
        accept(a, "fast-", "fal", "fast", 8, null);
        accept(a, "plain-", "fal", null, 8, null);

        List<String> sent = sendAtOnce(a, b, 8).stream().map(Job::getKey).toList();

        assertThat(sent.stream().filter(k -> k.startsWith("plain-"))).as("no route: only the overall budget").hasSize(8);
        assertThat(sent.stream().filter(k -> k.startsWith("fast-"))).as("route fast: 3 USD at 1 each").hasSize(3);
        assertThat(a.ledger().status(NOON)).extracting(BudgetLedger.Status::setting, BudgetLedger.Status::used,
                        BudgetLedger.Status::route)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("imagegen.budgets.overall.per-month", 11.0, null),
                        org.assertj.core.groups.Tuple.tuple("imagegen.budgets.route.fast.per-day", 3.0, "fast"));
        // one more on the route, weighed alone: refused, its reason naming the route's budget
        accept(a, "late-", "fal", "fast", 1, null);
        Job late = a.claims().claimDue(1, NOON, NOON + 60_000).get(0);
        BudgetLedger.Reservation again = a.ledger().reservation(late.getKey(), "fal", "fast", null, null, NOON);
        late.setState(JobState.SUBMITTING);
        assertThat(a.store().saveWhileLeased(late, "create", NOON, NOON, again::holds)).isFalse();
        assertThat(again.over().reason()).isEqualTo("budget imagegen.budgets.route.fast.per-day (3 USD) would be "
                + "passed: 3 spent or reserved this day, this create 1");
    }

    @Test
    void aCurrencyBudgetNeedsEveryProviderItCoversPricedAndConverted() {
        Prices prices = Prices.of(inUsd());
        Conversions conversions = Conversions.of(inUsd());
        Budgets overall = Budgets.of(inUsd("imagegen.budgets.overall.per-day", "10"), prices, conversions,
                Duration.ofMinutes(1));
        assertThatThrownBy(() -> overall.checkCovered(List.of("bfl", "fal"), r -> null, prices, conversions))
                .hasMessage("imagegen.budgets.overall.per-day: covers fal, which has no price to weigh a create by "
                        + "before it is sent: set imagegen.providers.fal.price and .price-unit");
        Prices falInCredits = Prices.of(Map.of("imagegen.providers.fal.price", "2",
                "imagegen.providers.fal.price-unit", "credits", "imagegen.providers.bfl.price", "3",
                "imagegen.providers.bfl.price-unit", "credits"));
        assertThatThrownBy(() -> overall.checkCovered(List.of("bfl", "fal"), r -> null, falInCredits, conversions))
                .hasMessage("imagegen.budgets.overall.per-day: covers fal, whose price is in credits with no "
                        + "conversion to USD: set imagegen.providers.fal.unit-price (USD per credits)");
        Prices both = Prices.of(inUsd("imagegen.providers.fal.price", "1", "imagegen.providers.fal.price-unit", "usd"));
        overall.checkCovered(List.of("bfl", "fal"), r -> null, both, conversions);

        Budgets route = Budgets.of(inUsd("imagegen.budgets.route.fast.per-day", "3"), prices, conversions,
                Duration.ofMinutes(1));
        route.checkCovered(List.of("bfl", "fal"), r -> r.equals("fast") ? List.of("bfl") : null, prices, conversions);
        assertThatThrownBy(() -> route.checkCovered(List.of("bfl"), r -> null, prices, conversions))
                .hasMessage("imagegen.budgets.route.fast.per-day: there is no route 'fast' (imagegen.routes.<name>)");
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
                .hasMessageContaining("imagegen.budgets.overall.per-month");
        assertThatThrownBy(() -> Budgets.of(Map.of("imagegen.budgets.overall.per-day", "5"), prices, minute))
                .hasMessageStartingWith("imagegen.budgets.overall.per-day: an overall budget is in one currency: "
                        + "set imagegen.spend.currency");
        assertThatThrownBy(() -> Conversions.of(Map.of("imagegen.providers.bfl.unit-price", "0.01")))
                .hasMessageStartingWith("imagegen.providers.bfl.unit-price: a unit price is in a currency");
        assertThatThrownBy(() -> Conversions.of(Map.of("imagegen.spend.currency", "USD",
                "imagegen.providers.bfl.unit-price", "a cent")))
                .hasMessage("imagegen.providers.bfl.unit-price: 'a cent' is not a number");
        Budgets refusing = Budgets.of(Map.of("imagegen.budgets.fal.per-month", "5",
                "imagegen.budgets.when-over", "refuse"), prices, minute);
        assertThat(refusing.refuses()).isTrue();
        assertThat(refusing.of("fal")).singleElement().extracting(Budgets.Budget::unit).isEqualTo("USD");
        assertThat(refusing.of("bfl")).isEmpty();
    }
}
