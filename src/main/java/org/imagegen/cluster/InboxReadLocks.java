package org.imagegen.cluster;

import java.sql.Timestamp;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * The inbox's read locks when several instances share one folder: one row per file being read in
 * {@code CAMEL_MESSAGEPROCESSED}, which only one instance can hold. The holder refreshes its rows every keep-alive;
 * a row nobody refreshed for the max age belongs to an instance that died and may be taken over.
 * <p>
 * What camel-sql's {@code JdbcOrphanLockAwareIdempotentRepository} does, without its race: that one first counts the
 * live rows for the key and then, in a second look, updates any row it finds there as an orphan. A row another
 * instance inserted between the two looks was "taken over" while its holder was reading the file, and both instances
 * read it (seen under load with two instances on one folder). Here the take-over is one conditional statement (only a
 * row still stale at that moment), and otherwise a plain insert that the primary key refuses when another instance
 * got there first.
 */
public class InboxReadLocks extends JdbcMessageIdRepository {

    private static final String TAKE_OVER = "UPDATE CAMEL_MESSAGEPROCESSED SET createdAt = ? "
            + "WHERE processorName = ? AND messageId = ? AND createdAt < ?";
    private static final String KEEP_ALIVE = "UPDATE CAMEL_MESSAGEPROCESSED SET createdAt = ? "
            + "WHERE processorName = ? AND messageId = ?";

    private final CamelContext context;
    private final long maxAgeMillis;
    private final long keepAliveMillis;
    /** The keys this instance holds, refreshed on every keep-alive. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService keepAlive;

    public InboxReadLocks(DataSource dataSource, String processorName, CamelContext context, long maxAgeMillis,
            long keepAliveMillis) {
        super(dataSource, processorName);
        this.context = context;
        this.maxAgeMillis = maxAgeMillis;
        this.keepAliveMillis = keepAliveMillis;
        setCreateTableIfNotExists(false); // Flyway's V8 made it, the same on H2 and PostgreSQL
    }

    @Override
    public boolean add(String key) {
        try {
            return super.add(key);
        } catch (DataIntegrityViolationException anotherInstanceHasIt) {
            // its row appeared between our look and our insert (the transaction is rolled back)
            return false;
        }
    }

    /** Live locks only: a row not refreshed for the max age is an orphan that may be taken over. */
    @Override
    protected int queryForInt(String key) {
        return jdbcTemplate.queryForObject(getQueryString() + " AND createdAt >= ?", Integer.class, processorName,
                key, new Timestamp(System.currentTimeMillis() - maxAgeMillis));
    }

    @Override
    protected int insert(String key) {
        long now = System.currentTimeMillis();
        // an orphan is taken over only if it is still stale at this statement: a row inserted or refreshed since the
        // look in queryForInt is live and stays its holder's
        int rows = jdbcTemplate.update(TAKE_OVER, new Timestamp(now), processorName, key,
                new Timestamp(now - maxAgeMillis));
        if (rows == 0) {
            // the primary key refuses it when another instance holds the file
            rows = jdbcTemplate.update(getInsertString(), processorName, key, new Timestamp(now));
        }
        if (rows > 0) {
            held.add(key);
        }
        return rows;
    }

    @Override
    protected int delete(String key) {
        held.remove(key);
        return super.delete(key);
    }

    @Override
    protected int delete() {
        held.clear();
        return super.delete();
    }

    /** Whether this instance holds the key's lock (what it refreshes). */
    boolean holds(String key) {
        return held.contains(key);
    }

    void keepAlive() {
        if (held.isEmpty()) {
            return;
        }
        Timestamp now = new Timestamp(System.currentTimeMillis());
        List<Object[]> rows = held.stream().map(key -> new Object[] {now, processorName, key}).toList();
        try {
            transactionTemplate.execute(status -> jdbcTemplate.batchUpdate(KEEP_ALIVE, rows));
        } catch (RuntimeException e) {
            // the next one may get through: a lock goes stale only after several missed refreshes
            log.warn("cannot refresh {} inbox read locks: {}", rows.size(), e.getMessage());
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        keepAlive = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "InboxReadLocks");
        keepAlive.scheduleWithFixedDelay(this::keepAlive, keepAliveMillis, keepAliveMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws Exception {
        if (keepAlive != null) {
            context.getExecutorServiceManager().shutdownNow(keepAlive);
            keepAlive = null;
        }
        super.doStop();
    }
}
