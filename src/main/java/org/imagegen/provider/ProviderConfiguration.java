package org.imagegen.provider;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.imagegen.job.PollPolicy;
import org.imagegen.job.RateLimiter;
import org.imagegen.simulator.ProviderSimulator;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.simulator.SimulatorSettings;
import org.imagegen.simulator.Simulators;
import org.imagegen.support.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers still written in Java (RenderNet), from {@code imagegen.providers.<name>.*}: each calls the real
 * service, or its built-in simulator (started here, before the provider is made) as {@code imagegen.simulate} says.
 * Binds {@code providers}, each such provider by its bean name and each simulator in use
 * ({@code rendernetSimulator}); keeps their poll policies and rate limits for the status loop. The providers declared
 * by definition files (routes/providers/) join {@code providers} when the context starts. The per-provider keys are
 * read by name (their prefix is the provider's), the shared ones injected.
 */
public final class ProviderConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderConfiguration.class);

    @PropertyInject("imagegen.simulate")
    private String simulate;
    @PropertyInject("imagegen.simulator.allow-image-hosts")
    private boolean allowSimulatorImageHosts;
    @PropertyInject("imagegen.delivery.max-redirects")
    private int maxRedirects;

    private final Consumer<AutoCloseable> closer;
    private final Map<String, PollPolicy> policies = new HashMap<>();
    private final Map<String, RateLimiter> rateLimits = new ConcurrentHashMap<>();

    /** {@code closer}: stops the simulators after the routes. */
    public ProviderConfiguration(Consumer<AutoCloseable> closer) {
        this.closer = closer;
    }

    @BindToRegistry("providers")
    public Providers providers(CamelContext context) {
        List<ImageProvider> providerList = new ArrayList<>();
        Map<String, DownloadHosts> downloadHosts = new HashMap<>();
        for (String name : List.of(RenderNetProvider.NAME)) {
            String prefix = "imagegen.providers." + name + ".";
            String apiKey = prop(context, prefix + "api-key");
            String baseUrl = prop(context, prefix + "base-url");
            List<String> hosts = new ArrayList<>(Settings.list(prop(context, prefix + "download-hosts")));
            if (simulated(apiKey)) {
                ProviderSimulator simulator = startSimulator(context, name);
                closer.accept(simulator);
                context.getRegistry().bind(simulatorBeanName(name), simulator);
                LOG.info("{}: {} - using the built-in simulator at {}", name,
                        apiKey.isBlank() ? "no API key" : "imagegen.simulate=true", simulator.baseUrl());
                baseUrl = simulator.baseUrl();
                apiKey = "simulated";
                if (allowSimulatorImageHosts) {
                    hosts.addAll(simulator.imageHosts());
                }
            } else {
                LOG.info("{}: calling {}", name, baseUrl);
            }
            ProviderSettings settings = new ProviderSettings(name, baseUrl, apiKey,
                    Integer.parseInt(prop(context, prefix + "retry.max")), prop(context, prefix + "retry.update"));
            ImageProvider provider = new RenderNetProvider(settings, prop(context, prefix + "model"),
                    Integer.parseInt(prop(context, prefix + "max-batch-size")),
                    Boolean.parseBoolean(prop(context, prefix + "reconcile-by-list")));
            providerList.add(provider);
            downloadHosts.put(name, new DownloadHosts(baseUrl, hosts));
            context.getRegistry().bind(beanName(name), provider);
            policies.put(name, new PollPolicy(Settings.millis(context, prefix + "poll.initial-delay"),
                    Settings.millis(context, prefix + "poll.interval"),
                    Settings.millis(context, prefix + "poll.queued-interval"),
                    Settings.millis(context, prefix + "poll.deadline"),
                    Settings.millis(context, "imagegen.poll.max-backoff")));
            rateLimits.put(name, new RateLimiter(Double.parseDouble(prop(context, prefix + "rate-limit.per-second")),
                    Integer.parseInt(prop(context, prefix + "rate-limit.burst")), System.currentTimeMillis()));
        }
        return new Providers(providerList, downloadHosts, maxRedirects);
    }

    /** Each built-in provider's poll policy, by provider name. */
    public Map<String, PollPolicy> policies() {
        return policies;
    }

    /** Each built-in provider's rate limit, by provider name; providers declared by definition files join it. */
    public Map<String, RateLimiter> rateLimits() {
        return rateLimits;
    }

    public static String beanName(String provider) {
        return "rendernet";
    }

    public static String simulatorBeanName(String provider) {
        return beanName(provider) + "Simulator";
    }

    private boolean simulated(String apiKey) {
        return switch (simulate.strip().toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> apiKey.isBlank(); // auto: simulate the providers that have no key
        };
    }

    private ProviderSimulator startSimulator(CamelContext context, String name) {
        SimulatorSettings settings = Simulators.settings(context.getPropertiesComponent()::resolveProperty, name);
        return new RenderNetSimulator(settings).start();
    }

    /** A property from config/ (or -D, or the environment); every key read here has a default there. */
    private static String prop(CamelContext context, String key) {
        return Settings.required(context, key);
    }
}
