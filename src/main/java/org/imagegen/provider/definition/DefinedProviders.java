package org.imagegen.provider.definition;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.support.PluginHelper;
import org.imagegen.api.Secrets;
import org.imagegen.job.PollPlanner;
import org.imagegen.job.PollPolicy;
import org.imagegen.job.RateLimiter;
import org.imagegen.provider.Providers;
import org.imagegen.request.RequestValidator;
import org.imagegen.simulator.Simulators;
import org.imagegen.support.Durations;
import org.imagegen.support.PublicUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.imagegen.provider.definition.DefinitionValues.blank;

/**
 * Finds the providers declared in routes/providers/*.camel.yaml and makes them known to the lifecycle. Camel Main
 * binds the YAML {@code beans:} of the route files as it reads them (already before BundleConfiguration has finished
 * configuring), and builds their routes later; the definitions are looked up by type when the context starts, after
 * every file was read and before any route (and so any intake) runs.
 */
public final class DefinedProviders {

    private static final Logger LOG = LoggerFactory.getLogger(DefinedProviders.class);

    private DefinedProviders() {
    }

    /**
     * Registers each definition bean at start: the provider, its download hosts, poll policy and rate limit.
     * {@code prop} reads the bundle's settings (the global {@code imagegen.poll.*} a definition may leave out);
     * {@code joined} is told of each provider after it joined (its default sinks, job gauges and key check are
     * configured there, as the seeds' are when the configuration runs). The names returned are those no definition
     * may take: record the bundle's beans into them once its configuration has bound the last one (they are read
     * again at start).
     */
    public static TakenNames registerAtStart(CamelContext context, Providers providers, PollPlanner planner,
                                       Map<String, RateLimiter> rateLimits, RequestValidator validator,
                                       Function<String, String> prop, Consumer<DefinedProvider> joined)
            throws Exception {
        // the simulators started for definitions stop with the context, after its routes
        SimulatorsInUse simulators = new SimulatorsInUse(prop.apply("imagegen.simulate"),
                Boolean.parseBoolean(prop.apply("imagegen.simulator.allow-image-hosts")),
                key -> context.getPropertiesComponent().resolveProperty(key));
        context.addService(simulators, true, true);
        TakenNames taken = new TakenNames();
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarting(CamelContext camelContext, boolean alreadyStarted) {
                if (!alreadyStarted) {
                    Supplier<String> bundleSecret = () -> Secrets.configuredOrStored(
                            prop.apply("imagegen.webhooks.secret").strip(),
                            Path.of(prop.apply("imagegen.data").strip()).resolve("webhook-secret")).value();
                    taken.recordBound(camelContext.getRegistry());
                    register(camelContext, simulators, bundleSecret, taken, (name, provider) -> {
                        try {
                            planner.addPolicy(name, policy(provider.definition().pacing(), prop));
                            rateLimits.put(name, rateLimiter(provider.definition().pacing()));
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("provider definition '" + name + "': " + e.getMessage(), e);
                        }
                        warnIfCallsMayOutlastClaims(provider, prop);
                        providers.add(provider, provider.downloadHosts());
                        validator.addProvider(provider);
                        try {
                            joined.accept(provider);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("provider definition '" + name + "': " + e.getMessage(), e);
                        }
                    });
                    // each simulator in the registry as <provider>Simulator (bflSimulator, for all-images:
                    // allImagesSimulator): tests and operators' tools read what it received
                    simulators.byProvider().forEach((name, simulator) ->
                            camelContext.getRegistry().bind(simulatorBean(name), simulator));
                }
            }

            @Override
            public void onCamelContextStarted(CamelContext camelContext, boolean alreadyStarted) {
                // nothing more: the routes run with every provider known
            }
        });
        return taken;
    }

    static void register(CamelContext context, BiConsumer<String, DefinedProvider> registration) {
        register(context, (name, definition) -> null, registration);
    }

    /**
     * As {@link #register(CamelContext, BiConsumer)}; {@code simulation} builds the provider when a simulator stands
     * in for it (else null).
     */
    static void register(CamelContext context, Simulation simulation, BiConsumer<String, DefinedProvider> registration) {
        register(context, simulation, () -> null, new TakenNames(), registration);
    }

    /**
     * As {@link #register(CamelContext, Simulation, BiConsumer)}; {@code bundleSecret} is the bundle's webhook secret
     * (imagegen.webhooks.secret, else one generated once and kept in data/webhook-secret), the path secret of a
     * definition that subscribes its receiver itself (webhookSubscribePath) with the none scheme and no webhookSecret
     * of its own: no person needs to know it, as the bundle hands the URL over. A definition may not take a name in
     * {@code taken} (the bundle's beans) nor a Camel component's name: Camel looks components up in the registry by
     * name.
     */
    static void register(CamelContext context, Simulation simulation, Supplier<String> bundleSecret,
                         TakenNames taken, BiConsumer<String, DefinedProvider> registration) {
        Map<String, ProviderDefinition> found = new TreeMap<>(
                context.getRegistry().findByTypeWithName(ProviderDefinition.class));
        Set<String> components = PluginHelper.getComponentNameResolver(context).resolveNames(context);
        for (Map.Entry<String, ProviderDefinition> entry : found.entrySet()) {
            String name = entry.getKey();
            if (taken.contains(name) || components.contains(name)) {
                throw new IllegalArgumentException("provider definition '" + name + "': the name is taken by "
                        + (taken.contains(name) ? "one of the bundle's own beans" : "a Camel component")
                        + "; choose another name for the bean");
            }
            ProviderDefinition definition = entry.getValue();
            if (subscribesWithBundleSecret(definition.webhooks())) {
                definition.setWebhookSecret(bundleSecret.get());
            }
            String simulator = definition.connection().getSimulator();
            if (!blank(simulator) && !Simulators.exists(simulator)) {
                throw new IllegalArgumentException("provider definition '" + name + "': simulator: "
                        + Simulators.unknown(simulator.strip()));
            }
            DefinedProvider simulated = blank(simulator) ? null : simulation.provider(name, definition);
            DefinedProvider provider = simulated != null ? simulated : new DefinedProvider(name, definition);
            if (provider.webhook() != null) {
                // creates hand the provider <public URL>/webhooks/<name> (routes/webhooks.camel.yaml receives there)
                provider.webhook().receiveAt(new PublicUrl(context));
            }
            registration.accept(name, provider);
            if (simulated == null) {
                ConnectionProperties connection = definition.connection();
                LOG.info("{}: defined provider, calling {}{}", name, connection.getBaseUrl(),
                        blank(connection.getApiKey()) && provider.authHeader() != null ? " (no API key set)" : "");
            }
        }
    }

    private static boolean subscribesWithBundleSecret(WebhookProperties d) {
        return "true".equalsIgnoreCase(String.valueOf(d.getWebhooks()).strip()) && !blank(d.getWebhookSubscribePath())
                && "none".equalsIgnoreCase(String.valueOf(d.getWebhookSignature()).strip()) && blank(d.getWebhookSecret());
    }

    /**
     * A step starts with at least half its claim (imagegen.loop.lease) left; a call that may wait longer than that for
     * its answer can outlast the claim, and another claim would then find the create unanswered and park the job.
     * Said at start, for a real provider (a simulator answers in seconds).
     */
    private static void warnIfCallsMayOutlastClaims(DefinedProvider provider, Function<String, String> prop) {
        long timeout = provider.responseTimeoutMs(0);
        long lease = Durations.millis(prop.apply("imagegen.loop.lease"));
        if (!provider.isSimulated() && timeout > lease / 2) {
            LOG.warn("{}: responseTimeout {} ms is over half of imagegen.loop.lease ({} ms): a call that slow may"
                    + " outlast its job's claim; set imagegen.loop.lease to at least twice the timeout",
                    provider.name(), timeout, lease);
        }
    }

    /** The registry name of the simulator that stands in for a provider: its name in camel case + Simulator. */
    public static String simulatorBean(String provider) {
        StringBuilder bean = new StringBuilder();
        boolean upper = false;
        for (char c : provider.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                bean.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return bean.append("Simulator").toString();
    }

    static PollPolicy policy(PacingProperties d, Function<String, String> prop) {
        return new PollPolicy(
                millis(d.getPollInitialDelay(), "pollInitialDelay", prop, "imagegen.poll.initial-delay"),
                millis(d.getPollInterval(), "pollInterval", prop, "imagegen.poll.interval"),
                millis(d.getPollQueuedInterval(), "pollQueuedInterval", prop, "imagegen.poll.queued-interval"),
                millis(d.getPollDeadline(), "pollDeadline", prop, "imagegen.poll.deadline"),
                Durations.millis(prop.apply("imagegen.poll.max-backoff")));
    }

    static RateLimiter rateLimiter(PacingProperties d) {
        try {
            double perSecond = blank(d.getRatePerSecond()) ? 5 : Double.parseDouble(d.getRatePerSecond().strip());
            int burst = blank(d.getRateBurst()) ? 10 : Integer.parseInt(d.getRateBurst().strip());
            return new RateLimiter(perSecond, burst, System.currentTimeMillis());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ratePerSecond/rateBurst must be numbers: "
                    + e.getMessage(), e);
        }
    }

    private static long millis(String value, String property, Function<String, String> prop, String fallbackKey) {
        String text = blank(value) ? prop.apply(fallbackKey) : value;
        try {
            return Durations.millis(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
        }
    }
}
