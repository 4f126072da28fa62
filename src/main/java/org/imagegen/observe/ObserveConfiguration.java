package org.imagegen.observe;

import java.util.List;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.imagegen.job.Job;
import org.imagegen.job.JobState;
import org.imagegen.job.JobQueries;
import org.imagegen.job.StatusLoop;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.StatusSweeps;
import org.imagegen.provider.ProviderCall;
import org.imagegen.provider.StatusResult;
import org.imagegen.provider.definition.DefinedProvider;
import org.imagegen.limit.LimitLedger;
import org.imagegen.spend.BudgetLedger;
import org.imagegen.support.Durations;

/**
 * Health and metrics. Camel serves them on the API port (camel.management.* in config/): readiness and
 * liveness at /observe/health/ready and /live from the HealthCheck beans bound here (plus Camel's own route and
 * consumer checks, which is where a message broker's consumers report); the Micrometer registry bound here is
 * served at /observe/metrics by a route (serve-metrics, through MetricsPage). The bundle's series are measured
 * without touching the routes: an event notifier watches the exchanges sent to the providers' check routes, their
 * HTTP endpoints and the delivery route.
 * <p>
 * Applied by BundleConfiguration (see {@link org.imagegen.support.Wiring}) once the job store is bound; its beans are
 * bound by {@link #bind} once the providers are known, and a provider declared by a definition file joins them at
 * start ({@link #providerJoined}).
 */
public final class ObserveConfiguration {

    /** How long a provider key check's answer is kept: the check calls the provider. */
    @PropertyInject("imagegen.health.key-check-interval")
    private String keyCheckInterval;
    @BeanInject("jobQueries")
    private JobQueries store;
    @BeanInject("budgetLedger")
    private BudgetLedger budgets;
    @BeanInject("limitLedger")
    private LimitLedger limits;
    @BeanInject("statusLoop")
    private StatusLoop statusLoop;

    /** Binds the job metrics, the metrics page and the job store's health check; providers join at start. */
    public JobMetrics bind(CamelContext context, List<String> providers) {
        PrometheusMeterRegistry registry = context.getRegistry()
                .lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, PrometheusMeterRegistry.class);
        if (registry == null) {
            // camel-micrometer-prometheus uses the registry bound under this name, so Camel's and ours are one
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        }
        JobMetrics metrics = new JobMetrics(registry, store, budgets, limits, providers,
                System::currentTimeMillis);
        context.getRegistry().bind("jobMetrics", metrics);
        statusLoop.setClaimTimer(metrics::claimed);
        // the page at /observe/metrics (route serve-metrics), in the format the scraper asks for
        context.getRegistry().bind("metricsPage", new MetricsPage(registry, metrics::refresh));

        // answers within 2 s whatever the connection pool does (a probe's own timeout is usually a few seconds)
        context.getRegistry().bind("jobStoreHealthCheck", new JobStoreHealthCheck(store, java.time.Duration.ofSeconds(2)));
        context.getManagementStrategy().addEventNotifier(new Measurements(metrics));
        return metrics;
    }

    /**
     * A provider declared by a definition file joined at start: its job gauges, the checks its bulk status list
     * answered (bulkStatusPath), and its key check when the definition declares one (keyCheckPath).
     */
    public void providerJoined(CamelContext context, DefinedProvider provider) {
        JobMetrics metrics = context.getRegistry().lookupByNameAndType("jobMetrics", JobMetrics.class);
        metrics.addProvider(provider.name());
        StatusSweeps sweeps = context.getRegistry().lookupByNameAndType("statusSweeps", StatusSweeps.class);
        if (provider.hasBulkStatus() && sweeps != null) {
            metrics.bindListedChecks(provider.name(), sweeps);
        }
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (provider.keyCheckCall() != null && health != null) {
            ProducerTemplate template = context.createProducerTemplate();
            // registered directly: the health registry looked the beans up already
            health.register(new ProviderKeyHealthCheck(provider.name(),
                    () -> template.send("direct:call-provider", e -> e.setProperty("call", provider.keyCheckCall()))
                            .getMessage().getBody(HttpReply.class),
                    keyCheckCacheMs()));
        }
    }

    private long keyCheckCacheMs() {
        try {
            return Durations.millis(keyCheckInterval.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("imagegen.health.key-check-interval: " + e.getMessage(), e);
        }
    }

    /** Turns sent-exchange events of the provider and delivery routes into the bundle's series. */
    private static final class Measurements extends EventNotifierSupport {

        private final JobMetrics metrics;

        Measurements(JobMetrics metrics) {
            this.metrics = metrics;
            setIgnoreCamelContextEvents(true);
            setIgnoreRouteEvents(true);
            setIgnoreServiceEvents(true);
            setIgnoreExchangeCreatedEvent(true);
            setIgnoreExchangeCompletedEvent(true);
            setIgnoreExchangeFailedEvents(true);
            setIgnoreExchangeRedeliveryEvents(true);
            setIgnoreExchangeSendingEvents(true);
            setIgnoreStepEvents(true);
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.ExchangeSentEvent;
        }

        @Override
        public void notify(CamelEvent event) {
            CamelEvent.ExchangeSentEvent sent = (CamelEvent.ExchangeSentEvent) event;
            String uri = sent.getEndpoint().getEndpointUri();
            Exchange exchange = sent.getExchange();
            if (uri.startsWith("direct://") && uri.endsWith("-check-status") && !uri.equals("direct://check-status")) {
                Job job = exchange.getProperty("job", Job.class);
                Object body = exchange.getMessage().getBody();
                String outcome = exchange.getException() != null ? "error"
                        : body instanceof StatusResult r ? r.kind().name().toLowerCase() : "unknown";
                if (job != null) {
                    metrics.statusCheck(job.getProvider(), outcome, sent.getTimeTaken() * 1_000_000L);
                }
            } else if (uri.startsWith("http://") && uri.contains(".provider")
                    && exchange.getProperty("call") instanceof ProviderCall call) {
                metrics.providerAnswer(call.provider(),
                        exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class));
            } else if (uri.equals("direct://deliver-images")) {
                Job job = exchange.getProperty("job", Job.class);
                if (job != null && job.getState() == JobState.DELIVERED && job.getCompletedAt() != null) {
                    metrics.delivered(job.getProvider(), System.currentTimeMillis() - job.getCompletedAt());
                }
            }
        }
    }
}
