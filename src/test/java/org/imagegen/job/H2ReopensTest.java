package org.imagegen.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStoreException;
import org.imagegen.support.MigratedStores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * H2 closed abruptly (as when a write to its full disk fails; SHUTDOWN IMMEDIATELY closes it the same way) loses what
 * it had committed but not yet written. A claim's release lost that way must not hold its job until the lease runs
 * out: the abrupt close is noticed ({@link H2Reopens}, from the statements that fail for it) and the instance's claims
 * are released. An orderly close is not a loss. disk/TmpfsFullDiskTest does it all on a really full disk.
 */
class H2ReopensTest {

    private final ObjectMapper json = new ObjectMapper();
    private String path;
    private JdbcDataSource dataSource;
    private JobStore store;
    private JobClaims claims;

    @BeforeEach
    void openStore() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "h2-reopens", Long.toString(System.nanoTime())));
        path = dir.resolve("jobstore").toAbsolutePath().toString();
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + path + H2Reopens.URL_SETTING);
        MigratedStores.migrate(dataSource);
        store = new JobStore(dataSource, json);
        claims = new JobClaims(dataSource, json, "a/1", () -> H2Reopens.closedAbruptly(path));
    }

    @Test
    void aClaimWhoseReleaseWasLostWithAnAbruptCloseIsReleasedOnceTheCloseIsKnown() throws Exception {
        AtomicInteger closed = new AtomicInteger();
        JobClaims mine = new JobClaims(dataSource, json, "a/1", closed::get);
        try (Connection keeper = dataSource.getConnection()) { // the database stays open, as the pool keeps it
            store.insertIfAbsent(JobStoreContract.job("r1", 5), 0);
            Job claimed = mine.claimDue(1, 10, 1_000_000).get(0);
            execute(keeper, "CHECKPOINT"); // the claim is on file
            execute(keeper, "SET WRITE_DELAY 100000"); // what follows stays in memory only
            claimed.setNextCheckAt(20L);
            store.save(claimed, Save.withoutEvent(), 11); // releases the claim: committed, not yet written
            execute(keeper, "SHUTDOWN IMMEDIATELY"); // as after a failed write: closed without writing it
        }
        // opened again from the file, where the job is still claimed until 1_000_000
        assertThat(new JobQueries(dataSource, json).find("r1").orElseThrow().getLeaseOwner()).startsWith("a/1#");
        assertThat(mine.claimDue(1, 40, 2_000_000)).as("the close not known: left to its lease").isEmpty();

        closed.incrementAndGet(); // what H2Reopens counts when H2's statements fail for its closed store
        assertThat(mine.claimDue(1, 40, 2_000_000)).extracting(Job::getKey).containsExactly("r1");
    }

    @Test
    void theListenerCountsStatementsThatFailedForTheClosedStoreOfItsOwnDatabase() {
        H2Reopens listener = new H2Reopens();
        listener.init("jdbc:h2:file:" + path);
        listener.exceptionThrown(new SQLException("syntax", "42000", ErrorCode.SYNTAX_ERROR_2), "SELEC 1");
        // a row lock that timed out (H2 raises it as an MVStoreException as well): nothing was lost
        listener.exceptionThrown(new SQLException("Timeout trying to lock table", "HYT00", ErrorCode.LOCK_TIMEOUT_1,
                new MVStoreException(DataUtils.ERROR_TRANSACTION_LOCKED, "Map entry <1> with key <1> is locked")),
                "UPDATE job SET lease_owner = ?");
        assertThat(H2Reopens.closedAbruptly(path)).isZero();

        SQLException failedWrite = new SQLException("General error", "HY000", ErrorCode.GENERAL_ERROR_1,
                new MVStoreException(DataUtils.ERROR_WRITING_FAILED, "Writing failed: No space left on device"));
        listener.exceptionThrown(failedWrite, "UPDATE job SET state = ?");
        listener.exceptionThrown(new SQLException("The database has been closed", "90098",
                ErrorCode.DATABASE_IS_CLOSED), "SELECT 1");
        assertThat(H2Reopens.closedAbruptly(path)).isEqualTo(2);
        assertThat(H2Reopens.closedAbruptly(path + "-another")).isZero();
    }

    @Test
    void anOrderlyCloseReleasesNothing() throws Exception {
        try (Connection keeper = dataSource.getConnection()) {
            store.insertIfAbsent(JobStoreContract.job("r2", 5), 0);
            assertThat(claims.claimDue(1, 10, 1_000_000)).hasSize(1);
            execute(keeper, "CHECKPOINT");
        } // the last connection closed: H2 closes the database in order
        assertThat(claims.claimDue(1, 40, 2_000_000)).as("still claimed: its step may be under way").isEmpty();
        assertThat(H2Reopens.closedAbruptly(path)).isZero();
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
