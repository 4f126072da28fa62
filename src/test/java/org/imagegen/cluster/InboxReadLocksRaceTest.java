package org.imagegen.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.IdempotentRepository;
import org.flywaydb.core.Flyway;
import org.imagegen.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances' inbox read locks on one PostgreSQL, both trying to lock the same files at the same moment (what
 * happens when both list the shared inbox in one poll): each file is locked by exactly one of them. camel-sql's
 * JdbcOrphanLockAwareIdempotentRepository failed this: a row the other instance inserted between its two looks was
 * taken for an orphan and updated, and both instances read the file.
 */
class InboxReadLocksRaceTest {

    private static final int FILES = 300;

    private String db;
    private final List<DefaultCamelContext> contexts = new ArrayList<>();
    private final List<InboxReadLocks> instances = new ArrayList<>();

    @BeforeEach
    void twoInstancesOnOneDatabase() throws Exception {
        db = TestPostgres.freshSchemaUrl("read_lock_race");
        Flyway.configure().dataSource(db, TestPostgres.user(), "").locations("classpath:db/migration").load().migrate();
        for (int i = 0; i < 2; i++) {
            DefaultCamelContext context = new DefaultCamelContext();
            context.start();
            contexts.add(context);
            InboxReadLocks locks = new InboxReadLocks(dataSource(), ClusterConfiguration.INBOX, context, 30_000, 5_000);
            locks.start();
            instances.add(locks);
        }
    }

    @AfterEach
    void stop() {
        instances.forEach(InboxReadLocks::stop);
        contexts.forEach(DefaultCamelContext::stop);
    }

    @Test
    void aFileBothInstancesTryToLockAtOnceIsLockedByOne() throws Exception {
        assertThat(notLockedByOne(race(instances.get(0), instances.get(1)))).as("files not locked by one instance")
                .isEmpty();
    }

    @Test
    void anOrphanIsTakenOverByOneInstance() throws Exception {
        // every file's lock left by an instance that died a minute ago
        try (Connection c = DriverManager.getConnection(db, TestPostgres.user(), "");
             PreparedStatement s = c.prepareStatement("INSERT INTO CAMEL_MESSAGEPROCESSED VALUES ('inbox', ?, ?)")) {
            for (int file = 0; file < FILES; file++) {
                s.setString(1, "file-" + file + ".json");
                s.setTimestamp(2, new Timestamp(System.currentTimeMillis() - 60_000));
                s.addBatch();
            }
            s.executeBatch();
        }
        assertThat(notLockedByOne(race(instances.get(0), instances.get(1))))
                .as("orphans not taken over by one instance").isEmpty();
        // a taken-over lock is live again: nobody else gets it
        assertThat(instances.get(0).add("file-0.json") || instances.get(1).add("file-0.json")).isFalse();
        assertThat(instances.get(0).holds("file-0.json") ^ instances.get(1).holds("file-0.json")).isTrue();
    }

    /** "file-N.json: M instances" for each file M != 1 instances got. */
    private static List<String> notLockedByOne(int[] winners) {
        List<String> wrong = new ArrayList<>();
        for (int file = 0; file < FILES; file++) {
            if (winners[file] != 1) {
                wrong.add("file-" + file + ".json: " + winners[file] + " instances");
            }
        }
        return wrong;
    }

    /** For every file, how many of the instances got its lock, each instance trying on threads of its own. */
    private static int[] race(IdempotentRepository... repositories) throws Exception {
        int threadsEach = 2;
        int[] winners = new int[FILES];
        ExecutorService pool = Executors.newFixedThreadPool(repositories.length * threadsEach);
        try {
            CyclicBarrier together = new CyclicBarrier(repositories.length * threadsEach);
            List<Future<boolean[]>> results = new ArrayList<>();
            for (IdempotentRepository repository : repositories) {
                for (int t = 0; t < threadsEach; t++) {
                    int offset = t;
                    results.add(pool.submit(() -> {
                        boolean[] got = new boolean[FILES];
                        together.await();
                        // the threads of one instance split the files, as one poll does them one by one
                        for (int file = offset; file < FILES; file += threadsEach) {
                            got[file] = add(repository, "file-" + file + ".json");
                        }
                        return got;
                    }));
                }
            }
            for (Future<boolean[]> result : results) {
                boolean[] got = result.get(2, TimeUnit.MINUTES);
                for (int file = 0; file < FILES; file++) {
                    winners[file] += got[file] ? 1 : 0;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return winners;
    }

    /** As camel-file's read lock takes it: a repository that throws did not give the lock. */
    private static boolean add(IdempotentRepository repository, String key) {
        try {
            return repository.add(key);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private DataSource dataSource() {
        return new DriverManagerDataSource(db, TestPostgres.user(), "");
    }
}
