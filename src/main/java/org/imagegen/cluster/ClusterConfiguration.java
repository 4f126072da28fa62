package org.imagegen.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.imagegen.support.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What several instances of the bundle share besides the job store, from {@code imagegen.cluster.*}:
 * <ul>
 * <li>{@code inboxReadLocks}: the repository behind the inbox's {@code readLock=idempotent-changed}. One instance:
 * in memory, which reads each file once exactly as {@code readLock=changed} does. Several
 * ({@code imagegen.cluster.enabled=true}): rows in the shared database ({@link InboxReadLocks}, on camel-sql's
 * table from migration V8), so only one instance reads a file; the
 * holder refreshes its row, and a row an instance that died stopped refreshing is taken over after
 * {@code imagegen.cluster.read-lock-max-age}.</li>
 * <li>{@code inboxMoves}: where the inbox moves a file it read, so that an instance reading a file another one
 * already moved leaves that one's copy alone ({@link InboxMoves}).</li>
 * <li>{@code leaderElection}: a {@link FileLockClusterService} on {@code imagegen.cluster.lock-folder}, behind
 * {@code master:} routes (duties that must run on one instance only). Always present, so the same routes run on one
 * node; with several instances the folder must be one they all see.</li>
 * </ul>
 * Applied by BundleConfiguration once the job store's data source ({@code jobStoreDataSource}) is bound.
 */
public final class ClusterConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterConfiguration.class);

    /** The processorName of the inbox's rows in CAMEL_MESSAGEPROCESSED. */
    static final String INBOX = "inbox";

    @PropertyInject("imagegen.cluster.enabled")
    private boolean enabled;
    @PropertyInject("imagegen.cluster.read-lock-max-age")
    private String readLockMaxAge;
    @PropertyInject("imagegen.cluster.read-lock-keep-alive")
    private String readLockKeepAlive;
    @PropertyInject("imagegen.cluster.stale-lock-purge-after")
    private String staleLockPurgeAfter;
    @PropertyInject("imagegen.cluster.lock-folder")
    private String lockFolder;
    @PropertyInject("imagegen.cluster.leader-check-interval")
    private String leaderCheckInterval;
    @BeanInject("jobStoreDataSource")
    private DataSource dataSource;

    private final String nodeId;

    public ClusterConfiguration(String nodeId) {
        this.nodeId = nodeId;
    }

    @BindToRegistry("inboxReadLocks")
    public IdempotentRepository inboxReadLocks(CamelContext context) {
        if (!enabled) {
            return MemoryIdempotentRepository.memoryIdempotentRepository(1000);
        }
        long maxAge = Durations.millis(readLockMaxAge);
        long keepAlive = Durations.millis(readLockKeepAlive);
        if (keepAlive >= maxAge) {
            throw new IllegalArgumentException("imagegen.cluster.read-lock-keep-alive (" + keepAlive
                    + " ms) must be shorter than imagegen.cluster.read-lock-max-age (" + maxAge + " ms)");
        }
        long purgeAfter = Durations.millis(staleLockPurgeAfter);
        if (purgeAfter <= maxAge) {
            throw new IllegalArgumentException("imagegen.cluster.stale-lock-purge-after (" + purgeAfter
                    + " ms) must be longer than imagegen.cluster.read-lock-max-age (" + maxAge + " ms)");
        }
        InboxReadLocks shared = new InboxReadLocks(dataSource, INBOX, context, maxAge, keepAlive);
        LOG.info("cluster mode: node {}, inbox read locks in the shared database (taken over after {} ms)",
                nodeId, maxAge);
        return shared;
    }

    @BindToRegistry("inboxMoves")
    public InboxMoves inboxMoves() {
        return new InboxMoves();
    }

    /**
     * Bound, and added to the context as a service by the caller: Camel Main adds the cluster services it finds in the
     * registry before configuration classes run, so it would not see this one.
     */
    @BindToRegistry("leaderElection")
    public FileLockClusterService leaderElection() throws Exception {
        Path folder = Files.createDirectories(Path.of(lockFolder));
        FileLockClusterService leaderElection = new FileLockClusterService();
        leaderElection.setId(nodeId);
        leaderElection.setRoot(folder.toAbsolutePath().toString());
        leaderElection.setAcquireLockInterval(Durations.millis(leaderCheckInterval), TimeUnit.MILLISECONDS);
        return leaderElection;
    }
}
