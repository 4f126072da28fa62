package org.imagegen;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.flywaydb.core.Flyway;
import org.imagegen.api.ApiConfiguration;
import org.imagegen.cluster.ClusterConfiguration;
import org.imagegen.console.ConsoleConfiguration;
import org.imagegen.delivery.Outbox;
import org.imagegen.delivery.SinkConfiguration;
import org.imagegen.delivery.SinkLedger;
import org.imagegen.delivery.Sinks;
import org.imagegen.disk.DiskSpace;
import org.imagegen.disk.InboxPollStrategy;
import org.imagegen.job.JobLifecycle;
import org.imagegen.job.JobOperations;
import org.imagegen.job.JobStore;
import org.imagegen.job.PollPlanner;
import org.imagegen.messaging.JmsConfiguration;
import org.imagegen.messaging.MessagingConfiguration;
import org.imagegen.provider.ImageProvider;
import org.imagegen.provider.ProviderConfiguration;
import org.imagegen.provider.ProviderLanes;
import org.imagegen.provider.Providers;
import org.imagegen.provider.definition.DefinedProviders;
import org.imagegen.observe.ObserveConfiguration;
import org.imagegen.request.RequestIntake;
import org.imagegen.request.RequestParser;
import org.imagegen.request.RequestValidator;
import org.imagegen.support.Durations;
import org.imagegen.support.Settings;
import org.imagegen.support.Wiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundle's one configuration class for Camel Main: binds the job store's data source (migrated by Flyway), then
 * applies each package's configuration in the order their beans need one another (see {@link Wiring} for why they
 * are not discovered on their own): cluster, providers, sinks, the job lifecycle and intake, API, messaging, console.
 * Routes refer to the beans by name.
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
    @PropertyInject(value = "imagegen.poll.late-window", defaultValue = "0")
    private String pollLateWindow;
    @PropertyInject(value = "imagegen.poll.late-interval", defaultValue = "1m")
    private String pollLateInterval;
    @PropertyInject("imagegen.delivery.max-attempts")
    private int deliveryMaxAttempts;
    @PropertyInject("imagegen.delivery.max-image-bytes")
    private long deliveryMaxImageBytes;
    @PropertyInject("imagegen.provider.default")
    private String defaultProvider;
    @PropertyInject(value = "imagegen.disk.min-free-bytes", defaultValue = "268435456")
    private long diskMinFreeBytes;
    @PropertyInject(value = "imagegen.disk.recheck", defaultValue = "30s")
    private String diskRecheck;

    /** The job store's pool, once made (see {@link #jobStoreDataSource}). */
    private HikariDataSource dataSource;

    /**
     * The job store's connections, migrated by Flyway, bound once: the job store, the cluster's read locks, the
     * {@code sql:} endpoints of the singleton duties and operators' tools use this pool (the readiness test closes it).
     * Closed after the routes stop (see {@link #configure}).
     */
    @BindToRegistry("jobStoreDataSource")
    public synchronized HikariDataSource jobStoreDataSource() throws Exception {
        // Camel Main post-processes a configuration class twice (when it is instantiated and again when the
        // configurations are loaded), calling this method each time: one pool, or the first one leaks its connections
        if (dataSource != null) {
            return dataSource;
        }
        Path data = Files.createDirectories(Path.of(dataFolder));
        String url = dbUrl.strip();
        if (url.isBlank()) {
            // H2 wants an explicit path; the default lives in the data folder. The writes that must survive a
            // killed process are flushed by the job store itself (JobStore.makeDurable)
            url = "jdbc:h2:file:" + data.toAbsolutePath().resolve("jobstore") + ";DB_CLOSE_ON_EXIT=FALSE";
        }
        HikariConfig config = new HikariConfig();
        if (url.startsWith("jdbc:h2:file:")) {
            // a write that finds the disk full makes H2 close its database: every session open then stays dead (its
            // isValid() still says true, and its errors' SQL state is not one the pool evicts for), while a new
            // connection opens the database again from its file. So an idle connection is checked with a query
            // before it is handed out, and none lives longer than 30 s (the pool's least): the store answers again
            // within that once space returns. New H2 sessions in the same process cost next to nothing.
            config.setConnectionTestQuery("SELECT 1");
            config.setMaxLifetime(30_000);
        }
        config.setJdbcUrl(url);
        config.setUsername(dbUser.strip());
        config.setPassword(dbPassword.strip());
        config.setMaximumPoolSize(dbPoolSize);
        config.setConnectionTimeout(Durations.millis(dbConnectionWait));
        config.setPoolName("job-store");
        HikariDataSource created = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(created).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            created.close();
            throw e;
        }
        dataSource = created;
        return dataSource;
    }

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        Registry registry = camelContext.getRegistry();
        Path outboxDir = Files.createDirectories(Path.of(outboxFolder));
        Path data = Files.createDirectories(Path.of(dataFolder));
        Files.createDirectories(Path.of(inboxFolder));

        Closer closer = new Closer();
        HikariDataSource dataSource = jobStoreDataSource(); // the pool bound as jobStoreDataSource
        closer.add(dataSource);
        String nodeId = nodeId();
        JobStore store = new JobStore(dataSource, new ObjectMapper(),
                nodeId + "/" + UUID.randomUUID().toString().substring(0, 8));
        // cluster: the inbox's read locks (shared when imagegen.cluster.enabled) and the leader election
        Wiring.apply(camelContext, new ClusterConfiguration(nodeId));
        camelContext.addService(registry.lookupByName("leaderElection"));
        int released = store.releaseLeasesOfNode(nodeId);
        if (released > 0) {
            LOG.info("released {} job claims left by an earlier run of node {}", released, nodeId);
        }

        // the built-in providers, their simulators started first when simulated
        ProviderConfiguration providerConfiguration = Wiring.apply(camelContext, new ProviderConfiguration(closer::add));
        Providers providers = registry.lookupByNameAndType("providers", Providers.class);
        List<String> builtIn = providers.all().stream().map(ImageProvider::name).toList();
        Outbox outbox = new Outbox(outboxDir, data, deliveryMaxImageBytes);
        // sinks: named destinations from imagegen.sinks.*, delivered and retried one by one
        Sinks sinks = SinkConfiguration.configure(camelContext, outbox, builtIn, closer::add);
        SinkLedger ledger = new SinkLedger(dataSource);
        registry.bind("sinks", sinks);
        // free space checked before taking on what must be kept (routes: intake, download, folder sinks)
        DiskSpace disk = new DiskSpace(diskMinFreeBytes, setting("imagegen.disk.recheck", diskRecheck).toMillis(),
                sinks.diskFolders(data));
        registry.bind("diskSpace", disk);
        registry.bind("inboxPollStrategy", new InboxPollStrategy(disk, Path.of(inboxFolder)));

        PollPlanner planner = new PollPlanner(providerConfiguration.policies());
        JobLifecycle jobs = new JobLifecycle(store, providers, planner, providerConfiguration.rateLimits(), outbox,
                Clock.systemUTC(), loopBatch, Durations.parse(loopLease), deliveryMaxAttempts, sinks, ledger);
        // a generation that outlives its deadline is still checked for a while, and delivered if it finishes
        jobs.setLateChecks(setting("imagegen.poll.late-window", pollLateWindow),
                setting("imagegen.poll.late-interval", pollLateInterval));
        RequestValidator validator = new RequestValidator(providers.all(), defaultProvider.strip(),
                sinks.names(), sinks.defaults(), sinks.providerDefaults());
        RequestIntake intake = new RequestIntake(new RequestParser(), validator, jobs, store);
        // providers declared in routes/providers/*.camel.yaml (ProviderDefinition beans) join when the context starts
        DefinedProviders.registerAtStart(camelContext, providers, planner, providerConfiguration.rateLimits(),
                validator, key -> Settings.required(camelContext, key), provider -> {
                    // as the seeds: imagegen.providers.<name>.sinks (empty: imagegen.sinks.default)
                    List<String> own = Settings.list(camelContext.getPropertiesComponent()
                            .resolveProperty("imagegen.providers." + provider.name() + ".sinks").orElse(""));
                    sinks.addProviderDefaults(provider.name(), own);
                    validator.addDefaultSinks(provider.name(), own);
                    ObserveConfiguration.providerJoined(camelContext, provider);
                });
        // each provider's calls in a lane of its own (routes/status-loop.camel.yaml, template provider-lane)
        ProviderLanes.bind(camelContext, builtIn);

        closer.add(registerJmx(new JobOperations(store, jobs), store.instanceId()));
        // HTTP API, health, metrics and provider webhooks: routes/api.camel.yaml, routes/webhooks.camel.yaml
        Wiring.apply(camelContext, new ApiConfiguration()).bind(camelContext, store, jobs, intake, providers, outbox, sinks, ledger);

        registry.bind("jobStore", store);
        registry.bind("jobs", jobs);
        registry.bind("outbox", outbox);
        registry.bind("intake", intake);
        // message queues: the JMS broker or connection, the event outbox, dead letters
        Wiring.apply(camelContext, new MessagingConfiguration(closer::add));
        Wiring.apply(camelContext, new JmsConfiguration(closer::add)).addTo(camelContext);
        // stopped after the routes, so in-flight steps can still write their results
        camelContext.addService(closer, true, true);
        // console: the management port (jobs page and Hawtio), stopped before the job store closes
        Wiring.apply(camelContext, new ConsoleConfiguration(ledger));
    }

    /** org.imagegen:type=Jobs,instance=...: job counts and delivery retries for Hawtio's JMX tab and jconsole. */
    /** A duration setting; a bad one is refused naming its key. */
    private static java.time.Duration setting(String key, String value) {
        try {
            return Durations.parse(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    private static AutoCloseable registerJmx(JobOperations operations, String instanceId) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("org.imagegen:type=Jobs,instance=" + ObjectName.quote(instanceId));
        server.registerMBean(operations, name);
        return () -> server.unregisterMBean(name);
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
