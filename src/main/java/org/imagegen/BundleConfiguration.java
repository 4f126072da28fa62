package org.imagegen;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.service.ServiceSupport;
import org.flywaydb.core.Flyway;
import org.imagegen.api.ApiConfiguration;
import org.imagegen.cluster.ClusterConfiguration;
import org.imagegen.console.ConsoleConfiguration;
import org.imagegen.delivery.Outbox;
import org.imagegen.delivery.SinkConfiguration;
import org.imagegen.delivery.SinkLedger;
import org.imagegen.delivery.Sinks;
import org.imagegen.job.JobLifecycle;
import org.imagegen.job.JobOperations;
import org.imagegen.job.JobStore;
import org.imagegen.job.PollPlanner;
import org.imagegen.job.PollPolicy;
import org.imagegen.job.RateLimiter;
import org.imagegen.messaging.MessagingConfiguration;
import org.imagegen.provider.AllImagesProvider;
import org.imagegen.provider.DownloadHosts;
import org.imagegen.provider.ImageProvider;
import org.imagegen.provider.ProviderLanes;
import org.imagegen.provider.ProviderSettings;
import org.imagegen.provider.Providers;
import org.imagegen.provider.RenderNetProvider;
import org.imagegen.provider.definition.DefinedProviders;
import org.imagegen.request.RequestIntake;
import org.imagegen.request.RequestParser;
import org.imagegen.request.RequestValidator;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.ProviderSimulator;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.simulator.SimulatorSettings;
import org.imagegen.simulator.Simulators;
import org.imagegen.support.Durations;
import org.imagegen.support.Settings;
import org.imagegen.support.Wiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the bundle's beans from config/application.properties: the job store (migrated by Flyway), the providers
 * (or their simulators), the intake and the outbox. Routes refer to these beans by name.
 */
@Configuration
public class BundleConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(BundleConfiguration.class);

    @PropertyInject("imagegen.inbox")
    private String inboxFolder;
    @PropertyInject("imagegen.outbox")
    private String outboxFolder;
    @PropertyInject("imagegen.data")
    private String dataFolder;
    @PropertyInject(value = "imagegen.db.url", defaultValue = "")
    private String dbUrl;
    @PropertyInject(value = "imagegen.db.user", defaultValue = "")
    private String dbUser;
    @PropertyInject(value = "imagegen.db.password", defaultValue = "")
    private String dbPassword;
    @PropertyInject("imagegen.db.pool-size")
    private int dbPoolSize;
    @PropertyInject("imagegen.db.connection-wait")
    private String dbConnectionWait;
    @PropertyInject(value = "imagegen.node-id", defaultValue = "")
    private String configuredNodeId;
    @PropertyInject("imagegen.loop.batch")
    private int loopBatch;
    @PropertyInject("imagegen.loop.lease")
    private String loopLease;
    @PropertyInject("imagegen.delivery.max-attempts")
    private int deliveryMaxAttempts;
    @PropertyInject("imagegen.delivery.max-redirects")
    private int deliveryMaxRedirects;
    @PropertyInject("imagegen.delivery.max-image-bytes")
    private long deliveryMaxImageBytes;
    @PropertyInject("imagegen.provider.default")
    private String defaultProvider;
    @PropertyInject("imagegen.simulator.allow-image-hosts")
    private boolean allowSimulatorImageHosts;
    @PropertyInject("imagegen.simulator.all-images.credits")
    private long simulatedAllImagesCredits;

    private CamelContext context;

    /**
     * The job store's connections, migrated by Flyway, bound once: the job store, the cluster's read locks, the
     * {@code sql:} endpoints of the singleton duties and operators' tools use this pool (the readiness test closes it).
     * Closed after the routes stop (see {@link #configure}).
     */
    @BindToRegistry("jobStoreDataSource")
    public HikariDataSource jobStoreDataSource() throws Exception {
        Path data = Files.createDirectories(Path.of(dataFolder));
        String url = dbUrl.strip();
        if (url.isBlank()) {
            // H2 wants an explicit path; the default lives in the data folder. The writes that must survive a
            // killed process are flushed by the job store itself (JobStore.makeDurable)
            url = "jdbc:h2:file:" + data.toAbsolutePath().resolve("jobstore") + ";DB_CLOSE_ON_EXIT=FALSE";
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(dbUser.strip());
        config.setPassword(dbPassword.strip());
        config.setMaximumPoolSize(dbPoolSize);
        config.setConnectionTimeout(Durations.millis(dbConnectionWait));
        config.setPoolName("job-store");
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return dataSource;
    }

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        this.context = camelContext;
        Path outboxDir = Path.of(outboxFolder);
        Path data = Path.of(dataFolder);
        Files.createDirectories(Path.of(inboxFolder));
        Files.createDirectories(outboxDir);
        Files.createDirectories(data);

        Closer closer = new Closer();
        HikariDataSource dataSource = camelContext.getRegistry()
                .lookupByNameAndType("jobStoreDataSource", HikariDataSource.class);
        closer.add(dataSource);

        ObjectMapper json = new ObjectMapper();
        String nodeId = nodeId();
        JobStore store = new JobStore(dataSource, json, nodeId + "/" + UUID.randomUUID().toString().substring(0, 8));
        // cluster: the inbox's read locks (shared when imagegen.cluster.enabled) and the leader election
        Wiring.apply(camelContext, new ClusterConfiguration(nodeId));
        camelContext.addService(camelContext.getRegistry().lookupByName("leaderElection"));
        int released = store.releaseLeasesOfNode(nodeId);
        if (released > 0) {
            LOG.info("released {} job claims left by an earlier run of node {}", released, nodeId);
        }

        List<ImageProvider> providerList = new ArrayList<>();
        Map<String, PollPolicy> policies = new HashMap<>();
        Map<String, RateLimiter> rateLimits = new ConcurrentHashMap<>();
        Map<String, DownloadHosts> downloadHosts = new HashMap<>();
        for (String name : List.of(AllImagesProvider.NAME, RenderNetProvider.NAME)) {
            String prefix = "imagegen.providers." + name + ".";
            String apiKey = prop(prefix + "api-key");
            String baseUrl = prop(prefix + "base-url");
            List<String> hosts = new ArrayList<>(Settings.list(prop(prefix + "download-hosts")));
            if (simulated(apiKey)) {
                ProviderSimulator simulator = startSimulator(name);
                closer.add(simulator);
                camelContext.getRegistry().bind(simulatorBeanName(name), simulator);
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
                    Integer.parseInt(prop(prefix + "retry.max")), prop(prefix + "retry.update"));
            ImageProvider provider = name.equals(AllImagesProvider.NAME)
                    ? new AllImagesProvider(settings, prop(prefix + "process-mode"), prop(prefix + "images"),
                    prop(prefix + "buy-size"))
                    : new RenderNetProvider(settings, prop(prefix + "model"),
                    Integer.parseInt(prop(prefix + "max-batch-size")), Boolean.parseBoolean(prop(prefix + "reconcile-by-list")));
            providerList.add(provider);
            downloadHosts.put(name, new DownloadHosts(baseUrl, hosts));
            camelContext.getRegistry().bind(beanName(name), provider);
            policies.put(name, new PollPolicy(millis(prefix + "poll.initial-delay"), millis(prefix + "poll.interval"),
                    millis(prefix + "poll.queued-interval"), millis(prefix + "poll.deadline"),
                    millis("imagegen.poll.max-backoff")));
            rateLimits.put(name, new RateLimiter(Double.parseDouble(prop(prefix + "rate-limit.per-second")),
                    Integer.parseInt(prop(prefix + "rate-limit.burst")), System.currentTimeMillis()));
        }
        Providers providers = new Providers(providerList, downloadHosts, deliveryMaxRedirects);

        Outbox outbox = new Outbox(outboxDir, data, deliveryMaxImageBytes);

        // --- sinks: named destinations from imagegen.sinks.*, delivered and retried one by one ---------
        Sinks sinks = SinkConfiguration.configure(camelContext, outbox,
                providerList.stream().map(ImageProvider::name).toList(), closer::add);
        SinkLedger ledger = new SinkLedger(dataSource);
        camelContext.getRegistry().bind("sinks", sinks);
        // --- end sinks ------------------------------------------------------------------------------------------

        PollPlanner planner = new PollPlanner(policies);
        JobLifecycle jobs = new JobLifecycle(store, providers, planner, rateLimits, outbox,
                Clock.systemUTC(),
                loopBatch, Durations.parse(loopLease), deliveryMaxAttempts, sinks, ledger);

        RequestValidator validator = new RequestValidator(providerList, defaultProvider.strip(),
                sinks.names(), sinks.defaults(), sinks.providerDefaults());
        RequestIntake intake = new RequestIntake(new RequestParser(), validator, jobs, store);
        // providers declared in routes/providers/*.camel.yaml (ProviderDefinition beans) join when the context starts
        DefinedProviders.registerAtStart(camelContext, providers, planner, rateLimits, validator, this::prop);
        // each provider's calls in a lane of its own (routes/status-loop.camel.yaml, template provider-lane)
        ProviderLanes.bind(camelContext, providerList.stream().map(ImageProvider::name).toList());

        closer.add(registerJmx(new JobOperations(store, jobs), store.instanceId()));
        // HTTP API, health, metrics and provider webhooks: routes/api.camel.yaml, routes/webhooks.camel.yaml
        ApiConfiguration.configure(camelContext, store, jobs, intake, providers, outbox, sinks, ledger);

        camelContext.getRegistry().bind("jobStore", store);
        camelContext.getRegistry().bind("jobs", jobs);
        camelContext.getRegistry().bind("providers", providers);
        camelContext.getRegistry().bind("outbox", outbox);
        camelContext.getRegistry().bind("intake", intake);
        // message queues: the JMS broker or connection, the event outbox, dead letters
        MessagingConfiguration.configure(camelContext, dataSource, json, data, closer::add);
        // stopped after the routes, so in-flight steps can still write their results
        camelContext.addService(closer, true, true);
        // console: the management port (jobs page and Hawtio), stopped before the job store closes
        Wiring.apply(camelContext, new ConsoleConfiguration(ledger));
    }

    /** org.imagegen:type=Jobs,instance=...: job counts and delivery retries for Hawtio's JMX tab and jconsole. */
    private static AutoCloseable registerJmx(JobOperations operations, String instanceId) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("org.imagegen:type=Jobs,instance=" + ObjectName.quote(instanceId));
        server.registerMBean(operations, name);
        return () -> server.unregisterMBean(name);
    }

    public static String beanName(String provider) {
        return provider.equals(AllImagesProvider.NAME) ? "allImages" : "rendernet";
    }

    public static String simulatorBeanName(String provider) {
        return beanName(provider) + "Simulator";
    }

    private boolean simulated(String apiKey) {
        String mode = prop("imagegen.simulate").strip().toLowerCase();
        return switch (mode) {
            case "true" -> true;
            case "false" -> false;
            default -> apiKey.isBlank(); // auto: simulate the providers that have no key
        };
    }

    private ProviderSimulator startSimulator(String name) {
        SimulatorSettings settings = Simulators.settings(context.getPropertiesComponent()::resolveProperty, name);
        ProviderSimulator simulator;
        if (name.equals(AllImagesProvider.NAME)) {
            AllImagesSimulator allImages = new AllImagesSimulator(settings);
            allImages.setCredits(simulatedAllImagesCredits);
            simulator = allImages;
        } else {
            simulator = new RenderNetSimulator(settings);
        }
        return simulator.start();
    }

    private String nodeId() {
        if (!configuredNodeId.isBlank()) {
            return configuredNodeId.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "node";
        }
    }

    private long millis(String key) {
        return Settings.millis(context, key);
    }

    /** A property from config/ (or -D, or the environment); every key the bundle reads has a default there. */
    private String prop(String key) {
        return Settings.required(context, key);
    }

    /** Closes the data source and the simulators when the context stops, after its routes. */
    private static final class Closer extends ServiceSupport {

        private final List<AutoCloseable> resources = new ArrayList<>();

        void add(AutoCloseable resource) {
            resources.add(0, resource);
        }

        @Override
        protected void doStop() throws Exception {
            for (AutoCloseable resource : resources) {
                resource.close();
            }
        }
    }
}
