package org.imagegen.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.processor.idempotent.jdbc.JdbcOrphanLockAwareIdempotentRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.imagegen.support.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What several instances of the bundle share besides the job store, bound from {@code imagegen.cluster.*}:
 * <ul>
 * <li>{@code inboxReadLocks}: the repository behind the inbox's {@code readLock=idempotent-changed}. One instance:
 * in memory, which reads each file once exactly as {@code readLock=changed} does. Several
 * ({@code imagegen.cluster.enabled=true}): rows in the shared database (camel-sql's
 * {@link JdbcOrphanLockAwareIdempotentRepository}, table from migration V8), so only one instance reads a file; the
 * holder refreshes its row, and a row an instance that died stopped refreshing is taken over after
 * {@code imagegen.cluster.read-lock-max-age}.</li>
 * <li>a {@link FileLockClusterService} on {@code imagegen.cluster.lock-folder}: the leader election behind
 * {@code master:} routes (duties that must run on one instance only). Always present, so the same routes run on one
 * node; with several instances the folder must be one they all see.</li>
 * <li>{@code jobStoreDataSource}: the job store's connections, for the {@code sql:} endpoints of those duties.</li>
 * </ul>
 * Called from BundleConfiguration once the job store's data source is migrated.
 */
public final class ClusterConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterConfiguration.class);

    /** The processorName of the inbox's rows in CAMEL_MESSAGEPROCESSED. */
    static final String INBOX = "inbox";

    private ClusterConfiguration() {
    }

    public static void configure(CamelContext context, DataSource dataSource, String nodeId,
                                 UnaryOperator<String> prop) throws Exception {
        context.getRegistry().bind("jobStoreDataSource", dataSource);

        boolean enabled = Boolean.parseBoolean(prop.apply("imagegen.cluster.enabled"));
        IdempotentRepository readLocks;
        if (enabled) {
            long maxAge = Durations.millis(prop.apply("imagegen.cluster.read-lock-max-age"));
            long keepAlive = Durations.millis(prop.apply("imagegen.cluster.read-lock-keep-alive"));
            if (keepAlive >= maxAge) {
                throw new IllegalArgumentException("imagegen.cluster.read-lock-keep-alive (" + keepAlive
                        + " ms) must be shorter than imagegen.cluster.read-lock-max-age (" + maxAge + " ms)");
            }
            long purgeAfter = Durations.millis(prop.apply("imagegen.cluster.stale-lock-purge-after"));
            if (purgeAfter <= maxAge) {
                throw new IllegalArgumentException("imagegen.cluster.stale-lock-purge-after (" + purgeAfter
                        + " ms) must be longer than imagegen.cluster.read-lock-max-age (" + maxAge + " ms)");
            }
            JdbcOrphanLockAwareIdempotentRepository shared =
                    new JdbcOrphanLockAwareIdempotentRepository(dataSource, INBOX, context);
            shared.setCreateTableIfNotExists(false); // Flyway's V8 made it, the same on H2 and PostgreSQL
            shared.setLockMaxAgeMillis(maxAge);
            shared.setLockKeepAliveIntervalMillis(keepAlive);
            readLocks = shared;
            LOG.info("cluster mode: node {}, inbox read locks in the shared database (taken over after {} ms)",
                    nodeId, maxAge);
        } else {
            readLocks = MemoryIdempotentRepository.memoryIdempotentRepository(1000);
        }
        context.getRegistry().bind("inboxReadLocks", readLocks);

        Path lockFolder = Files.createDirectories(Path.of(prop.apply("imagegen.cluster.lock-folder")));
        FileLockClusterService leaderElection = new FileLockClusterService();
        leaderElection.setId(nodeId);
        leaderElection.setRoot(lockFolder.toAbsolutePath().toString());
        leaderElection.setAcquireLockInterval(Durations.millis(prop.apply("imagegen.cluster.leader-check-interval")),
                TimeUnit.MILLISECONDS);
        context.addService(leaderElection);
    }
}
