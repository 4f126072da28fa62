package org.imagegen.api;

import java.nio.file.Path;
import java.time.Clock;

import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.imagegen.delivery.ResultFolders;
import org.imagegen.job.DeliveryReport;
import org.imagegen.job.JobClaims;
import org.imagegen.job.JobQueries;
import org.imagegen.job.JobStore;
import org.imagegen.job.OperatorActions;
import org.imagegen.observe.JobMetrics;
import org.imagegen.limit.LimitLedger;
import org.imagegen.spend.BudgetLedger;
import org.imagegen.observe.ObserveConfiguration;
import org.imagegen.provider.ImageProvider;
import org.imagegen.provider.Providers;
import org.imagegen.request.RequestIntake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the HTTP side: the API bean the routes in routes/api.camel.yaml call, its token, health checks
 * and metrics, the webhook receiver of the providers declared by definition files, and the webhook subscriptions
 * some of them keep (the leader subscribes: routes/webhooks.camel.yaml) with their removal at shutdown. The
 * HTTP server itself is Camel's (camel.server.* in config/). Its settings are injected; its beans are bound by one
 * method, {@link #bind}, because each needs the one before (the metrics the webhooks report to).
 */
public final class ApiConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ApiConfiguration.class);
    /** The route that keeps the leader's webhook subscription (routes/webhooks.camel.yaml). */
    private static final String SUBSCRIPTION_DUTY = "keep-webhook-subscription";

    @PropertyInject("imagegen.data")
    private String dataFolder;
    @PropertyInject(value = "imagegen.api.token", defaultValue = "")
    private String configuredToken;
    @PropertyInject("imagegen.api.page-size")
    private int pageSize;
    @PropertyInject("imagegen.api.max-page-size")
    private int maxPageSize;
    @PropertyInject("imagegen.webhooks.enabled")
    private boolean webhooksEnabled;
    @BeanInject("jobStore")
    private JobStore store;
    @BeanInject("jobClaims")
    private JobClaims claims;
    @BeanInject("jobQueries")
    private JobQueries queries;
    @BeanInject("budgetLedger")
    private BudgetLedger budgets;
    @BeanInject("limitLedger")
    private LimitLedger limits;
    @BeanInject("operatorActions")
    private OperatorActions operatorActions;

    public void bind(CamelContext context, ObserveConfiguration observe, RequestIntake intake, Providers providers,
                     ResultFolders resultFolders, DeliveryReport deliveries) {
        Path data = Path.of(dataFolder.strip());
        Secrets.Generated token = Secrets.configuredOrStored(configuredToken.strip(), data.resolve("api-token"));
        if (token.isNew()) {
            // the token itself is never logged: it is read from the file, which only the owner may read
            LOG.warn("imagegen.api.token is not set: generated an API token and stored it in {} (send it as "
                    + "'Authorization: Bearer <token>')", data.resolve("api-token").toAbsolutePath());
        }
        // the API's beans, by the names routes/api.camel.yaml and the api route configurations call them
        ApiAccess access = new ApiAccess(token.value());
        GenerationViews views = new GenerationViews(queries, providers, resultFolders, deliveries,
                new PageSizes(pageSize, maxPageSize));
        context.getRegistry().bind("apiAccess", access);
        context.getRegistry().bind("generationRequests", new GenerationRequests(intake));
        context.getRegistry().bind("generationViews", views);
        context.getRegistry().bind("generationActions", new GenerationActions(views, operatorActions, providers));
        context.getRegistry().bind("budgetsApi", new BudgetsApi(budgets, Clock.systemUTC()));
        context.getRegistry().bind("limitsApi", new LimitsApi(limits, Clock.systemUTC()));
        onContextEvent(context, CamelEvent.CamelContextRoutesStartingEvent.class, () -> answerTooLarge(context, access));

        JobMetrics metrics = observe.bind(context, providers.all().stream().map(ImageProvider::name).toList());

        // the subscriptions the leader keeps for the definitions that register their receiver per API key
        context.getRegistry().bind("webhooks", new ProviderWebhooks(providers, claims.instanceId()));
        // providers declared by definition files: POST /webhooks/<name>, verified by the scheme the definition names
        context.getRegistry().bind("definedWebhooks",
                new DefinedWebhooks(providers, store, Clock.systemUTC(), metrics::bindWebhooks));
        if (webhooksEnabled) {
            onContextEvent(context, CamelEvent.CamelContextStoppingEvent.class, () -> unsubscribeWebhooks(context));
        }
    }

    /**
     * Answers a body over imagegen.api.max-body-bytes as the API answers any refusal (problem+json); run once the HTTP
     * server's router exists. Vert.x's body handler refuses such a body before any route sees it, and with no failure
     * handler for it Vert.x answers a bare 413 and logs an unhandled ERROR: a client's mistake, not the bundle's.
     */
    private static void answerTooLarge(CamelContext context, ApiAccess api) {
        VertxPlatformHttpServer server = context.hasService(VertxPlatformHttpServer.class);
        if (server == null) {
            return;
        }
        // bound by the server under a name made of its configured port
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(server.getConfigurationPort()));
        if (router == null) {
            return;
        }
        ApiReply reply = api.tooLarge(server.getMaxBodySize());
        // a failure handler beside the routes' body handlers; every other failure goes on to Vert.x's handling
        router.route().failureHandler(routing -> {
            if (routing.statusCode() == reply.status() && !routing.response().ended()) {
                routing.response().setStatusCode(reply.status()).putHeader("Content-Type", reply.contentType())
                        .end((String) reply.body());
            } else {
                routing.next();
            }
        });
    }

    /**
     * Removes the subscription this instance holds (if it led: routes/webhooks.camel.yaml subscribes); run when the
     * context begins to stop, while the routes still run. The duty that subscribes is stopped first (letting a round in
     * flight finish): otherwise a round could subscribe again after the removal, or finish a subscribe the removal did
     * not see yet, and leave a subscription at the provider.
     */
    private static void unsubscribeWebhooks(CamelContext context) {
        try (ProducerTemplate template = context.createProducerTemplate()) {
            context.getRouteController().stopRoute(SUBSCRIPTION_DUTY);
            template.sendBody("direct:unsubscribe-webhooks", null);
        } catch (Exception e) {
            // left at the provider: the next leader removes it (it is recorded in the job store)
            LOG.warn("removing the webhook subscriptions failed: {}", e.getMessage());
        }
    }

    private static void onContextEvent(CamelContext context, Class<? extends CamelEvent> type, Runnable action) {
        context.getManagementStrategy().addEventNotifier(new OnContextEvent(type, action));
    }

    /** Runs an action when the context fires an event of one type; no other event reaches it. */
    private static final class OnContextEvent extends EventNotifierSupport {

        private final Class<? extends CamelEvent> type;
        private final Runnable action;

        OnContextEvent(Class<? extends CamelEvent> type, Runnable action) {
            this.type = type;
            this.action = action;
            setIgnoreExchangeEvents(true);
            setIgnoreRouteEvents(true);
            setIgnoreServiceEvents(true);
            setIgnoreStepEvents(true);
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return type.isInstance(event);
        }

        @Override
        public void notify(CamelEvent event) {
            action.run();
        }
    }
}
