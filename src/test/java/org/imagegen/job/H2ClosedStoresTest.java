package org.imagegen.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.mvstore.MVStore;
import org.imagegen.support.H2FullDisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * H2 closes its store when a write fails for a full disk ({@link H2FullDisk} fails them at will), and a ROLLBACK on a
 * session of that store then leaves H2's version count below zero: the session's next statement, and that of any
 * session of the store with a transaction, loops inside H2 for good. The pool's connections are guarded
 * ({@link H2ClosedStores}): such a session runs nothing more, the pool drops it, and a new connection works.
 */
class H2ClosedStoresTest {

    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "h2-closed-stores-test");
        thread.setDaemon(true); // a call stuck inside H2 must not keep the test JVM alive
        return thread;
    });
    private String path;

    @BeforeEach
    void createTable() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "h2-closed-stores", Long.toString(System.nanoTime())));
        path = dir.resolve("jobstore").toAbsolutePath().toString();
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(H2FullDisk.url(path));
        try (Connection c = h2.getConnection()) {
            execute(c, "CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR)");
            execute(c, "INSERT INTO t VALUES (1, 'on file')");
        }
    }

    @AfterEach
    void free() {
        H2FullDisk.free();
        calls.shutdownNow();
    }

    @Test
    void withoutTheGuardARollbackAfterTheCloseLeavesASessionWhoseNextStatementLoopsInsideH2() throws Throwable {
        // with assertions off the statement below would loop for good, taking a core for the rest of the run
        assumeTrue(MVStore.class.desiredAssertionStatus(), "needs -ea for H2 (surefire's default)");
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(H2FullDisk.url(path));
        Connection keeper = h2.getConnection();
        Connection poisoned = h2.getConnection();
        poisoned.setAutoCommit(false);
        execute(poisoned, "SELECT * FROM t"); // a transaction, with nothing to undo
        closeTheStoreWithAFailedWrite(keeper);
        assertThatThrownBy(poisoned::rollback).isInstanceOf(SQLException.class);
        // the second release of the version it held: H2's own assertion says the count went below zero
        assertThatThrownBy(() -> call(() -> execute(poisoned, "SELECT 1")))
                .isInstanceOf(AssertionError.class)
                .satisfies(e -> assertThat(e.getStackTrace()[0].getMethodName()).isEqualTo("registerVersionUsage"));
    }

    @Test
    void aPooledSessionOfTheClosedStoreRunsNothingMoreAndTheNextConnectionOpensTheDatabaseAgain() throws Throwable {
        AtomicInteger closedSeen = new AtomicInteger();
        int closesCounted = H2Reopens.closedAbruptly(path);
        try (HikariDataSource pool = pool(closedSeen)) {
            Connection returned = pool.getConnection();
            Connection midTransaction = pool.getConnection();
            Connection keeper = pool.getConnection();
            returned.setAutoCommit(false);
            execute(returned, "SELECT * FROM t");
            midTransaction.setAutoCommit(false);
            execute(midTransaction, "UPDATE t SET v = 'changed' WHERE id = 1");
            closeTheStoreWithAFailedWrite(keeper);
            closeRefused(keeper);
            // returned with a transaction: the pool's ROLLBACK is what poisons an unguarded session
            closeRefused(returned);
            // the session in the middle of its transaction is refused, not stuck
            assertThatThrownBy(() -> call(() -> execute(midTransaction, "SELECT * FROM t")))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08003"))
                    .hasMessageContaining("The database has been closed");
            closeRefused(midTransaction);

            // every connection the pool hands out now works: the database opened again from its file
            for (int i = 0; i < 5; i++) {
                assertThat(readOne(pool, "SELECT v FROM t WHERE id = 1")).isEqualTo("on file");
            }
            try (Connection c = pool.getConnection()) {
                execute(c, "INSERT INTO t VALUES (2, 'after')");
            }
            assertThat(closedSeen).as("the pool told once per closed store").hasValue(1);
            assertThat(H2Reopens.closedAbruptly(path)).as("the close counted for the claims")
                    .isGreaterThan(closesCounted);
        }
    }

    @Test
    void aStoreClosedByAFailedBackgroundWriteIsForgottenSoTheNextConnectionOpensTheFileAfresh() throws Throwable {
        AtomicInteger closedSeen = new AtomicInteger();
        try (HikariDataSource pool = pool(closedSeen)) {
            Connection keeper = pool.getConnection();
            // held by a step under way: the closed database keeps a session, so H2 does not close it for want of any
            Connection busy = pool.getConnection();
            SessionLocal session = (SessionLocal) keeper.unwrap(JdbcConnection.class).getSession();
            // committed in memory: no statement fails, H2's background write does, and closes the store. (This
            // passes without the guard's shutdown too: here H2 also lets go of the closed database some other way;
            // the timeout it prevents was seen only in TmpfsFullDiskTest, under the bundle's load.)
            H2FullDisk.fill();
            try {
                execute(keeper, "INSERT INTO t VALUES (9, 'never written')");
            } catch (SQLException e) {
                // a write in the statement itself failed first: the store is closed all the same
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> H2ClosedStores.storeClosed(session));
            H2FullDisk.free();
            // the first use of a connection of the closed store is refused: the guard notices the close
            assertThatThrownBy(() -> call(() -> execute(keeper, "SELECT * FROM t")))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08003"));
            closeRefused(keeper);

            // each connection the pool hands out now is of the database opened again from its file, not the closed one
            for (int i = 0; i < 5; i++) {
                assertThat(readOne(pool, "SELECT LISTAGG(v, ',') WITHIN GROUP (ORDER BY id) FROM t"))
                        .as("what is on file, without the row never written").isEqualTo("on file");
            }
            closeRefused(busy);
            assertThat(closedSeen).as("the pool told once per closed store").hasValue(1);
        }
    }

    /** A pool of guarded connections that, as the bundle's, lets go of those it holds when told of a close. */
    private HikariDataSource pool(AtomicInteger closedSeen) {
        AtomicReference<HikariDataSource> pool = new AtomicReference<>();
        HikariConfig config = new HikariConfig();
        config.setDataSource(H2ClosedStores.dataSource(H2FullDisk.url(path) + H2Reopens.URL_SETTING, "", "", () -> {
            closedSeen.incrementAndGet();
            pool.get().getHikariPoolMXBean().softEvictConnections();
        }));
        config.setMaximumPoolSize(3);
        config.setConnectionTimeout(5_000);
        pool.set(new HikariDataSource(config));
        return pool.get();
    }

    /** A write that fails for space: H2 closes its store (its "panic"), as on a really full disk. */
    private static void closeTheStoreWithAFailedWrite(Connection c) {
        H2FullDisk.fill();
        try {
            execute(c, "INSERT INTO t VALUES (9, 'never written')");
            execute(c, "CHECKPOINT");
        } catch (SQLException e) {
            assertThat((Throwable) e).hasStackTraceContaining("No space left on device");
        } finally {
            H2FullDisk.free(); // space is back: only the store's close remains
        }
    }

    /**
     * Returns a connection of the closed store to the pool: its reset (a rollback) is refused, so the pool drops it
     * and says so (or the pool dropped it already, and closing it just ends it).
     */
    private void closeRefused(Connection c) throws Throwable {
        call(() -> {
            try {
                c.close();
            } catch (SQLException e) {
                assertThat(e.getSQLState()).isEqualTo("08003");
            }
            return null;
        });
    }

    /** Runs {@code call} in another thread: a call looping inside H2 fails the test after 10 s, not hangs it. */
    private <T> T call(Callable<T> call) throws Throwable {
        try {
            return calls.submit(call).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause();
        }
    }

    /** The one value {@code sql} reads through a connection the pool gives now, in another thread ({@link #call}). */
    private String readOne(HikariDataSource pool, String sql) throws Throwable {
        return call(() -> {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery(sql)) {
                assertThat(r.next()).isTrue();
                return r.getString(1);
            }
        });
    }

    private static Void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
        return null;
    }
}
