package org.imagegen.observe;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.imagegen.job.JobState;
import org.imagegen.job.JobQueries;
import org.imagegen.limit.LimitLedger;
import org.imagegen.limit.ProviderLimits;
import org.imagegen.provider.StatusSweeps;
import org.imagegen.provider.webhook.WebhookCounts;
import org.imagegen.spend.BudgetLedger;
import org.imagegen.spend.Budgets;

/**
 * The bundle's own Prometheus series (Micrometer, no Camel imports): jobs by state and provider and the due backlog
 * (gauges read from the job store, at most once a second however often they are scraped), status checks and their
 * latency per provider and outcome, the status loop's claims, provider answers by status class (429 and 5xx among
 * them), the time from a finished generation being seen to its delivery, webhooks, what was spent per provider, model
 * and unit (and in the one currency), each budget's limit and use this period, and each provider limit against what
 * it counts now (read from the job store too).
 */
public class JobMetrics {

    private static final long SNAPSHOT_MS = 1000;

    private final MeterRegistry registry;
    private final JobQueries store;
    private final BudgetLedger budgets;
    private final LimitLedger limits;
    private final Supplier<Long> clock;
    private final Timer claims;
    private final Timer emptyClaims;
    private volatile Snapshot snapshot = new Snapshot(0, Map.of(), 0, Map.of(), Map.of(), Map.of(), Map.of());
    /** The spend series registered so far: one per provider, model and unit that has spent anything. */
    private final Set<SpendKey> spendSeries = ConcurrentHashMap.newKeySet();
    /** The same in the currency: one per provider and model (the unit is the currency). */
    private final Set<SpendKey> convertedSeries = ConcurrentHashMap.newKeySet();

    private record Snapshot(long at, Map<String, Map<JobState, Long>> jobs, long due, Map<SpendKey, Double> spend,
                            Map<String, Double> budgetsUsed, Map<SpendKey, Double> converted,
                            Map<String, LimitLedger.Status> limits) {
    }

    private record SpendKey(String provider, String model, String unit) {
    }

    public JobMetrics(MeterRegistry registry, JobQueries store, BudgetLedger budgets, LimitLedger limits,
                      List<String> providers, Supplier<Long> clock) {
        this.registry = registry;
        this.store = store;
        this.budgets = budgets;
        this.limits = limits;
        this.clock = clock;
        providers.forEach(this::addProvider);
        budgets.budgets().all().forEach(this::registerBudget);
        limits.limits().providers().forEach(this::registerLimits);
        Gauge.builder("imagegen.jobs.due", this, m -> m.current().due())
                .description("jobs whose next step is due and not yet claimed (status checks and others waiting)")
                .register(registry);
        emptyClaims = claimTimer("none");
        claims = claimTimer("some");
    }

    /**
     * A budget's limit and use: imagegen_budget_limit/used{provider,period,unit} for a provider's,
     * imagegen_budget_overall_limit/used{period,currency} and imagegen_budget_route_limit/used{route,period,currency}
     * for those in the currency (a series keeps one set of labels).
     */
    private void registerBudget(Budgets.Budget budget) {
        String name = switch (budget.scope()) {
            case PROVIDER -> "imagegen.budget";
            case OVERALL -> "imagegen.budget.overall";
            case ROUTE -> "imagegen.budget.route";
        };
        String setting = switch (budget.scope()) {
            case PROVIDER -> "imagegen.budgets.<provider>";
            case OVERALL -> "imagegen.budgets.overall";
            case ROUTE -> "imagegen.budgets.route.<route>";
        };
        Gauge.Builder<Budgets.Budget> limit = Gauge.builder(name + ".limit", budget, Budgets.Budget::limit)
                .description("a budget's limit per period (" + setting + ".per-day/per-month)");
        Gauge.Builder<JobMetrics> used = Gauge.builder(name + ".used", this,
                        m -> m.current().budgetsUsed().getOrDefault(budget.key(), 0.0))
                .description("what a budget has used this period (UTC): costs known, and creates sent whose cost "
                        + "is not known yet");
        for (Gauge.Builder<?> gauge : List.of(limit, used)) {
            if (budget.scope() == Budgets.Scope.PROVIDER) {
                gauge.tag("provider", budget.provider()).tag("period", period(budget)).tag("unit", budget.unit());
            } else {
                if (budget.scope() == Budgets.Scope.ROUTE) {
                    gauge.tag("route", budget.route());
                }
                gauge.tag("period", period(budget)).tag("currency", budget.unit());
            }
            gauge.register(registry);
        }
    }

    /**
     * A provider's limits against what they count now (across instances, from the job store):
     * imagegen_limit_in_flight and imagegen_limit_max_concurrent, imagegen_limit_creates_last_minute and
     * imagegen_limit_creates_per_minute, each {provider}; a limit's own series only when it is set.
     */
    private void registerLimits(String provider) {
        Gauge.builder("imagegen.limit.in.flight", this, m -> m.limit(provider, LimitLedger.Status::inFlight))
                .description("generations in flight at the provider (SUBMITTING, SUBMITTED, RUNNING), all instances")
                .tag("provider", provider).register(registry);
        Gauge.builder("imagegen.limit.creates.last.minute", this,
                        m -> m.limit(provider, LimitLedger.Status::createsLastMinute))
                .description("creates sent to the provider in the last 60 s, all instances")
                .tag("provider", provider).register(registry);
        // the limits themselves are the gauges' state: they live as long as the bundle (a meter holds it weakly)
        ProviderLimits set = limits.limits();
        if (set.maxConcurrent(provider) != null) {
            Gauge.builder("imagegen.limit.max.concurrent", set, l -> l.maxConcurrent(provider))
                    .description("imagegen.providers.<name>.max-concurrent").tag("provider", provider)
                    .register(registry);
        }
        if (set.createsPerMinute(provider) != null) {
            Gauge.builder("imagegen.limit.creates.per.minute", set, l -> l.createsPerMinute(provider))
                    .description("imagegen.providers.<name>.creates-per-minute").tag("provider", provider)
                    .register(registry);
        }
    }

    private double limit(String provider, java.util.function.ToLongFunction<LimitLedger.Status> count) {
        LimitLedger.Status status = current().limits().get(provider);
        return status == null ? 0 : count.applyAsLong(status);
    }

    private Map<String, LimitLedger.Status> limitsNow(long now) {
        Map<String, LimitLedger.Status> byProvider = new HashMap<>();
        limits.status(now).forEach(status -> byProvider.put(status.provider(), status));
        return byProvider;
    }

    private static String period(Budgets.Budget budget) {
        return budget.period().name().toLowerCase();
    }

    /** The job gauges of a provider (imagegen.jobs by state); a provider declared by a definition joins at start. */
    public void addProvider(String provider) {
        for (JobState state : JobState.values()) {
            Gauge.builder("imagegen.jobs", this, m -> m.jobs(provider, state))
                    .description("jobs in the job store, by provider and state")
                    .tag("provider", provider).tag("state", state.name()).register(registry);
        }
    }

    /**
     * A provider's webhook deliveries received, those that brought a check forward, and those refused (a wrong path
     * secret, a bad signature, stale or replayed); bound when its first delivery arrives.
     */
    public void bindWebhooks(String provider, WebhookCounts counts) {
        FunctionCounter.builder("imagegen.webhooks.received", counts, WebhookCounts::received)
                .description("webhook deliveries received")
                .tag("provider", provider).register(registry);
        FunctionCounter.builder("imagegen.webhooks.checks.forwarded", counts, WebhookCounts::broughtForward)
                .description("webhook deliveries that brought a status check forward")
                .tag("provider", provider).register(registry);
        FunctionCounter.builder("imagegen.webhooks.refused", counts, WebhookCounts::refusedCount)
                .description("webhook deliveries refused (wrong secret or signature, stale or replayed)")
                .tag("provider", provider).register(registry);
    }

    /**
     * Brings the series read from the store up to date (at most once a second) and registers a spend series for each
     * provider, model and unit that spent something since: called before the page is written, so a new one is in
     * the same scrape.
     */
    public void refresh() {
        current();
    }

    /** imagegen_status_checks_listed_total{provider}: the status checks its bulk status list answered, no call each. */
    public void bindListedChecks(String provider, StatusSweeps sweeps) {
        // the sweeps themselves are the counter's state: a meter holds its state weakly, and they live as long as the
        // bundle (a lambda made here would not)
        FunctionCounter.builder("imagegen.status.checks.listed", sweeps, s -> s.answeredCount(provider))
                .description("status checks answered by the provider's bulk status list, without a call of their own")
                .tag("provider", provider).register(registry);
    }

    /** One status check (the provider's check route: its HTTP call and reading the answer). */
    public void statusCheck(String provider, String outcome, long nanos) {
        Timer.builder("imagegen.status.checks").description("status checks per provider, by outcome")
                .tag("provider", provider).tag("outcome", outcome).register(registry).record(Duration.ofNanos(nanos));
    }

    /** One HTTP answer of a provider (or none: "error"), by status class; 429 counted on its own. */
    public void providerAnswer(String provider, Integer status) {
        String kind = status == null || status == 0 ? "error" : status == 429 ? "429" : (status / 100) + "xx";
        Counter.builder("imagegen.provider.responses").description("provider HTTP answers by status class")
                .tag("provider", provider).tag("status", kind).register(registry).increment();
    }

    /**
     * imagegen_claim_seconds{found}: the status loop's claims, those that found no due job apart ("none": only the
     * search, whose cost must not grow with the jobs waiting in the store) from those that took some ("some").
     */
    private Timer claimTimer(String found) {
        return Timer.builder("imagegen.claim").description("the status loop's claims of due jobs: their statements "
                + "in the job store").tag("found", found).register(registry);
    }

    /** One claim of due jobs: {@code nanos} in the job store's statements, {@code jobs} claimed. */
    public void claimed(int jobs, long nanos) {
        (jobs == 0 ? emptyClaims : claims).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A job delivered {@code millis} after the bundle saw its generation finished. */
    public void delivered(String provider, long millis) {
        Timer.builder("imagegen.delivery.delay").description("from a finished generation being seen to its delivery")
                .tag("provider", provider).register(registry).record(Duration.ofMillis(Math.max(0, millis)));
    }

    /**
     * imagegen_spend_total{provider,model,unit}: a counter whose value is the store's sum, not increments made here
     * (see {@link JobQueries#spend}): it cannot count a job twice on a retry or a restart, and each instance shows
     * the same total of all of them (aggregate instances with max, not sum).
     */
    private void registerSpend(Map<SpendKey, Double> spend) {
        registerSpendSeries(spend, spendSeries, "imagegen.spend", "unit", Snapshot::spend,
                "spent, in the unit the provider charges: reported costs, else configured prices");
    }

    /**
     * imagegen_spend_converted_total{provider,model,currency}: the same sums converted to imagegen.spend.currency at
     * the configured rates; a unit with no conversion is left out (it stays in imagegen_spend_total).
     */
    private void registerConverted(Map<SpendKey, Double> converted) {
        registerSpendSeries(converted, convertedSeries, "imagegen.spend.converted", "currency", Snapshot::converted,
                "spent, converted to one currency (imagegen.spend.currency, .unit-price)");
    }

    /**
     * One counter per key not registered yet ({@code registered}), read from the current snapshot's map; the key's
     * unit is tagged {@code unitTag}.
     */
    private void registerSpendSeries(Map<SpendKey, Double> sums, Set<SpendKey> registered, String name,
                                     String unitTag, Function<Snapshot, Map<SpendKey, Double>> read,
                                     String description) {
        for (SpendKey key : sums.keySet()) {
            if (registered.add(key)) {
                FunctionCounter.builder(name, this, m -> read.apply(m.current()).getOrDefault(key, 0.0))
                        .description(description)
                        .tag("provider", key.provider()).tag("model", key.model()).tag(unitTag, key.unit())
                        .register(registry);
            }
        }
    }

    /** The spend per provider, model and unit in the currency (the key's unit is the currency). */
    private Map<SpendKey, Double> convertedOf(Map<SpendKey, Double> spend) {
        Map<SpendKey, Double> converted = new HashMap<>();
        String currency = budgets.conversions().currency();
        spend.forEach((key, amount) -> {
            Double inCurrency = budgets.conversions().convert(key.provider(), amount, key.unit());
            if (inCurrency != null) {
                converted.merge(new SpendKey(key.provider(), key.model(), currency), inCurrency, Double::sum);
            }
        });
        return converted;
    }

    private static Map<SpendKey, Double> spendOf(List<JobQueries.Spend> rows) {
        Map<SpendKey, Double> spend = new HashMap<>();
        for (JobQueries.Spend row : rows) {
            spend.merge(new SpendKey(row.provider(), row.model() == null ? "unknown" : row.model(),
                    row.unit() == null ? "unknown" : row.unit()), row.amount(), Double::sum);
        }
        return spend;
    }

    private Map<String, Double> budgetsUsed(long now) {
        Map<String, Double> used = new HashMap<>();
        budgets.usage(now).forEach(u -> used.put(u.budget().key(), u.used()));
        return used;
    }

    private double jobs(String provider, JobState state) {
        return current().jobs().getOrDefault(provider, new EnumMap<>(JobState.class)).getOrDefault(state, 0L);
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        long now = clock.get();
        if (now - s.at() >= SNAPSHOT_MS) {
            synchronized (this) {
                s = snapshot;
                if (now - s.at() >= SNAPSHOT_MS) {
                    try {
                        Map<SpendKey, Double> spend = spendOf(store.spend());
                        s = new Snapshot(now, store.countByProviderAndState(), store.countDue(now), spend,
                                budgetsUsed(now), convertedOf(spend), limitsNow(now));
                    } catch (RuntimeException e) {
                        // the store is down: readiness says so; the gauges keep their last values
                        s = new Snapshot(now, s.jobs(), s.due(), s.spend(), s.budgetsUsed(), s.converted(),
                                s.limits());
                    }
                    snapshot = s;
                    registerSpend(s.spend());
                    registerConverted(s.converted());
                }
            }
        }
        return s;
    }
}
