package org.imagegen;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import javax.management.MBeanServer;
import javax.management.ObjectName;

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
import org.imagegen.delivery.ResultFolders;
import org.imagegen.delivery.SinkConfiguration;
import org.imagegen.delivery.SinkLedger;
import org.imagegen.delivery.Sinks;
import org.imagegen.disk.DiskSpace;
import org.imagegen.disk.InboxPollStrategy;
import org.imagegen.job.DeliveryReport;
import org.imagegen.job.H2ClosedStores;
import org.imagegen.job.H2IndexRepair;
import org.imagegen.job.H2Reopens;
import org.imagegen.job.JobClaims;
import org.imagegen.job.JobConfiguration;
import org.imagegen.job.JobOperations;
import org.imagegen.job.PollPlanner;
import org.imagegen.messaging.JmsConfiguration;
import org.imagegen.messaging.MessagingConfiguration;
import org.imagegen.provider.ProviderConfiguration;
import org.imagegen.provider.PacedProviders;
import org.imagegen.provider.ProviderLanes;
import org.imagegen.provider.Providers;
import org.imagegen.provider.definition.DefinedProviders;
import org.imagegen.provider.definition.TakenNames;
import org.imagegen.observe.ObserveConfiguration;
import org.imagegen.request.RequestIntake;
import org.imagegen.request.RequestValidator;
import org.imagegen.routing.RoutingConfiguration;
import org.imagegen.support.Durations;
import org.imagegen.support.Settings;
import org.imagegen.support.Wiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundle's one configuration class for Camel Main: binds the job store's data source (migrated by Flyway), then
 * applies each package's configuration in the order their beans need one another (see {@link Wiring} for why they
 * are not discovered on their own): cluster, providers, sinks, the job store and the steps of a job's life, intake,
 * API, messaging, console.
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
    @PropertyInject("imagegen.delivery.max-image-bytes")
    private long deliveryMaxImageBytes;
    @PropertyInject("imagegen.provider.default")
    private String defaultProvider;
    @PropertyInject(value = "imagegen.disk.min-free-bytes", defaultValue = "268435456")
    private long diskMinFreeBytes;

    /** The job store's pool, once made (see {@link #jobStoreDataSource}). */
    private HikariDataSource dataSource;
    /** The H2 file's path as its URL names it, or null on another database. */
    private String h2File;

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
            // killed process are flushed by the job store itself (JobStore, Save.durably). Each pooled session keeps
            // its last QUERY_CACHE_SIZE statements parsed: H2's 8 is fewer than a status step uses, so each step
            // parsed its statements again
            url = "jdbc:h2:file:" + data.toAbsolutePath().resolve("jobstore")
                    + ";DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=64";
        }
        HikariConfig config = new HikariConfig();
        AtomicReference<HikariDataSource> pool = new AtomicReference<>();
        if (url.startsWith("jdbc:h2:file:")) {
            // an abrupt stop can leave a row missing from an index, where the claims would pass it over for good
            H2IndexRepair store = new H2IndexRepair(url, dbUser.strip(), dbPassword.strip());
            store.checkAndRepair();
            h2File = store.databasePath();
            if (!url.toUpperCase(Locale.ROOT).contains("DATABASE_EVENT_LISTENER")) {
                // what H2 committed but had not written is lost with such a close: the job claims must know (H2Reopens)
                url += H2Reopens.URL_SETTING;
            }
            // a write that finds the disk full makes H2 close its database: a session of that store must never run
            // another statement (one can loop inside H2 for good), so the pool's connections are guarded, the pool
            // evicts each one the guard refuses, and a new connection opens the database again from its file
            config.setDataSource(H2ClosedStores.dataSource(url, dbUser.strip(), dbPassword.strip(), () -> {
                if (pool.get() != null) { // null while Flyway migrates: nothing pooled to let go of yet
                    pool.get().getHikariPoolMXBean().softEvictConnections();
                }
            }));
        } else {
            config.setJdbcUrl(url);
            config.setUsername(dbUser.strip());
            config.setPassword(dbPassword.strip());
        }
        config.setMaximumPoolSize(dbPoolSize);
        config.setConnectionTimeout(Durations.millis(dbConnectionWait));
        config.setPoolName("job-store");
        HikariDataSource created = new HikariDataSource(config);
        pool.set(created);
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
        String h2 = h2File;
        JobClaims claims = JobConfiguration.claims(dataSource, nodeId + "/" + UUID.randomUUID().toString().substring(0, 8),
                () -> h2 == null ? 0 : H2Reopens.closedAbruptly(h2));
        // cluster: the inbox's read locks (shared when imagegen.cluster.enabled) and the leader election
        Wiring.apply(camelContext, new ClusterConfiguration(nodeId));
        camelContext.addService(registry.lookupByName("leaderElection"));
        int released = claims.releaseLeasesOfNode(nodeId);
        if (released > 0) {
            LOG.info("released {} job claims left by an earlier run of node {}", released, nodeId);
        }

        // the providers: each joins from its definition file (routes/providers/) when the context starts
        ProviderConfiguration providerConfiguration = Wiring.apply(camelContext, new ProviderConfiguration());
        Providers providers = registry.lookupByNameAndType("providers", Providers.class);
        ResultFolders resultFolders = new ResultFolders(outboxDir, data, deliveryMaxImageBytes);
        // sinks: named destinations from imagegen.sinks.*, delivered and retried one by one
        Wiring.apply(camelContext, new SinkConfiguration(resultFolders, closer::add));
        Sinks sinks = registry.lookupByNameAndType("sinks", Sinks.class);
        SinkLedger ledger = new SinkLedger(dataSource);
        // free space checked before taking on what must be kept (routes: intake, download, folder sinks)
        DiskSpace disk = new DiskSpace(diskMinFreeBytes, Settings.millis(camelContext, "imagegen.disk.recheck"),
                sinks.diskFolders(data));
        registry.bind("diskSpace", disk);
        registry.bind("inboxPollStrategy", new InboxPollStrategy(disk, Path.of(inboxFolder)));

        PollPlanner planner = new PollPlanner(providerConfiguration.policies());
        // the job store and the steps of a job's life, each bound by the name the routes call it by
        JobConfiguration jobs = Wiring.apply(camelContext, new JobConfiguration(dataSource, claims));
        // a step that asks a provider paces it with the provider's own limiter
        PacedProviders paced = new PacedProviders(providers, providerConfiguration.rateLimits());
        // the sinks and their ledger, read together by the delivery step, the API and the jobs page
        DeliveryReport deliveries = new DeliveryReport(sinks, ledger);
        jobs.bind(camelContext, paced, planner, resultFolders, deliveries);
        RequestValidator validator = new RequestValidator(providers.all(), defaultProvider.strip(),
                sinks.names(), sinks.defaults(), sinks.providerDefaults());
        RequestIntake intake = new RequestIntake(validator, jobs.submission(), jobs.store());
        // health checks and metrics (served on the API port); bound with the API below, joined by defined providers
        ObserveConfiguration observe = Wiring.apply(camelContext, new ObserveConfiguration());
        // providers declared in routes/providers/*.camel.yaml (ProviderDefinition beans) join when the context starts
        TakenNames takenNames = DefinedProviders.registerAtStart(camelContext, providers, planner,
                providerConfiguration.rateLimits(), validator, key -> Settings.required(camelContext, key), provider -> {
                    // as the seeds: imagegen.providers.<name>.sinks (empty: imagegen.sinks.default)
                    List<String> own = Settings.list(camelContext.getPropertiesComponent()
                            .resolveProperty("imagegen.providers." + provider.name() + ".sinks").orElse(""));
                    sinks.addProviderDefaults(provider.name(), own);
                    validator.addDefaultSinks(provider.name(), own);
                    observe.providerJoined(camelContext, provider);
                });
        // routes over providers (imagegen.routes.*): a job moves to the next step when its provider cannot take it
        Wiring.apply(camelContext, new RoutingConfiguration()).bind(camelContext, dataSource, paced, validator,
                resultFolders);
        // each provider's calls in a lane of its own (routes/status-loop.camel.yaml, template provider-lane)
        ProviderLanes.bind(camelContext);

        closer.add(registerJmx(new JobOperations(jobs.queries(), jobs.operatorActions()), claims.instanceId()));
        registry.bind("resultFolders", resultFolders);
        registry.bind("intake", intake);
        // HTTP API, health, metrics and provider webhooks: routes/api.camel.yaml, routes/webhooks.camel.yaml
        Wiring.apply(camelContext, new ApiConfiguration())
                .bind(camelContext, observe, intake, providers, resultFolders, deliveries);
        // message queues: the JMS broker or connection, the pending job events, dead letters
        Wiring.apply(camelContext, new MessagingConfiguration(closer::add));
        Wiring.apply(camelContext, new JmsConfiguration(closer::add)).addTo(camelContext);
        // stopped after the routes, so in-flight steps can still write their results
        camelContext.addService(closer, true, true);
        // console: the console port (jobs page and Hawtio), stopped before the job store closes
        Wiring.apply(camelContext, new ConsoleConfiguration(deliveries));
        // every bean of the bundle is bound now: a provider definition under one of these names (bound beside the
        // bean, or replacing it if its file is read later) stops the start
        takenNames.recordBound(registry);
    }

    /** org.imagegen:type=Jobs,instance=...: job counts and delivery retries for Hawtio's JMX tab and jconsole. */
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
