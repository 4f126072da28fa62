package org.imagegen.job;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.imagegen.delivery.ResultFolders;
import org.imagegen.limit.LimitLedger;
import org.imagegen.limit.ProviderLimits;
import org.imagegen.provider.PacedProviders;
import org.imagegen.provider.Providers;
import org.imagegen.provider.StatusSweeps;
import org.imagegen.spend.BudgetLedger;
import org.imagegen.spend.Budgets;
import org.imagegen.spend.Conversions;
import org.imagegen.spend.Prices;
import org.imagegen.support.Settings;

/**
 * The job store and the steps of a job's life, from {@code imagegen.loop.*}, {@code imagegen.poll.late-*},
 * {@code imagegen.delivery.max-attempts}, the providers' configured prices ({@code imagegen.providers.<name>.price*}),
 * budgets ({@code imagegen.budgets.*}) and limits ({@code imagegen.providers.<name>.max-concurrent},
 * {@code .creates-per-minute}). Binds each bean under the name the routes call it by:
 * <ul>
 * <li>{@code statusLoop}: claims, admission, full lanes, stranded jobs (routes/status-loop.camel.yaml);</li>
 * <li>{@code statusSweeps}: bulk status lists that answer many checks at once (routes/check-status.camel.yaml);</li>
 * <li>{@code jobSubmission} and {@code jobReconciliation}: the create and a create whose answer was lost
 * (routes/submit-job.camel.yaml);</li>
 * <li>{@code statusChecks}: a check's answer, a retry at the provider, the deadline (routes/check-status.camel.yaml);</li>
 * <li>{@code jobDelivery}: staging and the sinks (routes/deliver-images.camel.yaml);</li>
 * <li>{@code stepFailures}: a step that failed (routes/error-handling.camel.yaml);</li>
 * <li>{@code operatorActions}: cancel and retries (the HTTP API, Hawtio);</li>
 * <li>{@code jobStore}, {@code jobClaims}, {@code jobQueries}: the store's writes, leases and reads;</li>
 * <li>{@code budgetLedger}: the budgets and what each has used (the API, the jobs page, the metrics);</li>
 * <li>{@code limitLedger}: the providers' limits and what each counts now (the API, the metrics);</li>
 * <li>{@code spendConversions}: the one currency costs are also shown in (the events).</li>
 * </ul>
 */
public final class JobConfiguration {

    @PropertyInject("imagegen.loop.batch")
    private int claimBatch;
    @PropertyInject("imagegen.delivery.max-attempts")
    private int maxDeliveryAttempts;

    private final DataSource dataSource;
    private final JobClaims claims;
    private final ObjectMapper json = new ObjectMapper();
    private JobStore store;
    private JobQueries queries;
    private Submission submission;
    private OperatorActions operatorActions;

    /** {@code claims}: made first, so a restarted node can free the claims it left before anything else starts. */
    public JobConfiguration(DataSource dataSource, JobClaims claims) {
        this.dataSource = dataSource;
        this.claims = claims;
    }

    /** Leases of this instance are tokens that start with {@code instanceId}. */
    public static JobClaims claims(DataSource dataSource, String instanceId, IntSupplier reopened) {
        return new JobClaims(dataSource, new ObjectMapper(), instanceId, reopened);
    }

    public void bind(CamelContext context, PacedProviders paced, PollPlanner planner, ResultFolders resultFolders,
                     DeliveryReport report) {
        Providers providers = paced.providers();
        Clock clock = Clock.systemUTC();
        Duration leaseDuration = Settings.duration(context, "imagegen.loop.lease");
        store = new JobStore(dataSource, json);
        queries = new JobQueries(dataSource, json);
        JobTransitions transitions = new JobTransitions(store, queries, paced, planner, resultFolders, report, clock);
        // a generation that outlives its deadline is still checked for a while, and delivered if it finishes
        transitions.setLateChecks(Settings.duration(context, "imagegen.poll.late-window", "0"),
                Settings.duration(context, "imagegen.poll.late-interval", "1m"));
        // a provider that reports no cost is recorded at the price the operator configured for it
        Prices prices = Prices.of(settings(context, k -> k.startsWith("imagegen.providers.") && k.contains(".price")));
        transitions.setPrices(prices);
        submission = new Submission(store, transitions, planner, clock, leaseDuration);
        // every create is weighed against its provider's budgets, priced as configured, before it is sent
        // and against the overall and route budgets, in one currency (imagegen.spend.currency, .unit-price)
        Conversions conversions = Conversions.of(settings(context, Conversions::isSetting));
        resultFolders.setConversions(conversions);
        Budgets configured = Budgets.of(settings(context, k -> k.startsWith("imagegen.budgets.")), prices, conversions,
                Settings.duration(context, "imagegen.budgets.recheck", "1m"));
        BudgetLedger budgets = new BudgetLedger(dataSource, configured, prices, conversions);
        budgets.createLocks();
        submission.setBudgets(budgets);
        // and against its provider's limits per key, counted in the job store so they hold across instances
        LimitLedger limits = new LimitLedger(dataSource,
                ProviderLimits.of(settings(context, ProviderLimits::isLimitSetting)));
        limits.createLocks();
        submission.setLimits(limits);
        // a create lost with its sender is believed never made only once it could no longer arrive
        long defaultTimeout = Settings.millis(context, "imagegen.http.response-timeout");
        StepServices steps = new StepServices(transitions, planner, resultFolders, clock);
        Reconciliation reconciliation = new Reconciliation(steps, queries,
                provider -> providers.responseTimeout(provider, defaultTimeout));
        operatorActions = new OperatorActions(steps, queries, new OperatorWrites(dataSource), report.ledger());

        Registry registry = context.getRegistry();
        registry.bind("jobStore", store);
        registry.bind("budgetLedger", budgets);
        registry.bind("limitLedger", limits);
        registry.bind("spendConversions", conversions);
        registry.bind("jobClaims", claims);
        registry.bind("jobQueries", queries);
        // providers that list their generations' statuses in bulk answer many checks with one call
        StatusSweeps sweeps = new StatusSweeps(providers, paced.rateLimits(), store::bringListedChecksForward, clock,
                Settings.duration(context, "imagegen.poll.sweep-interval", "2s"));
        StatusLoop loop = new StatusLoop(claims, store, queries, transitions, planner, paced.rateLimits(), clock,
                claimBatch, leaseDuration);
        loop.setAnsweredFromList(sweeps::answers);
        registry.bind("statusSweeps", sweeps);
        registry.bind("statusLoop", loop);
        registry.bind("jobSubmission", submission);
        registry.bind("jobReconciliation", reconciliation);
        registry.bind("statusChecks", new StatusChecks(steps));
        registry.bind("jobDelivery", new JobDelivery(steps, store, queries, claims, report, maxDeliveryAttempts));
        registry.bind("stepFailures", new StepFailures(steps, reconciliation, maxDeliveryAttempts));
        registry.bind("operatorActions", operatorActions);
    }

    public JobStore store() {
        return store;
    }

    public JobQueries queries() {
        return queries;
    }

    public Submission submission() {
        return submission;
    }

    public OperatorActions operatorActions() {
        return operatorActions;
    }

    /**
     * The settings whose keys pass {@code wanted} (the prices imagegen.providers.<name>.price*, the budgets
     * imagegen.budgets.*), wherever set (config/, overrides, -D): their keys are not known in advance (a provider's
     * name, a model's).
     */
    private static Map<String, String> settings(CamelContext context, Predicate<String> wanted) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Set<String> keys = new TreeSet<>(properties.loadProperties(wanted::test).stringPropertyNames());
        System.getProperties().stringPropertyNames().stream().filter(wanted).forEach(keys::add);
        Map<String, String> settings = new TreeMap<>();
        keys.forEach(k -> settings.put(k, properties.resolveProperty(k).orElse("")));
        return settings;
    }
}
