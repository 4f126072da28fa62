package org.imagegen.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.h2.engine.SessionLocal;
import org.h2.index.Cursor;
import org.h2.index.Index;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.result.Row;
import org.h2.table.Table;
import org.imagegen.support.Folders;
import org.imagegen.support.MigratedStores;
import org.imagegen.support.RunningBundle;
import org.imagegen.support.TestJobs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * An H2 job store a kill left with a row missing from some of its indexes, as the crash harness once found one: the
 * row in the table and in the due-time index, but not in the primary key's index nor in the state index. The damage
 * is made here through H2's own index API (what a cut-off write leaves), on a store the shipped migrations made.
 */
class H2IndexRepairTest {

    private static final int JOBS = 20;
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aJobMissingFromThePrimaryKeyIsPassedOverUntilTheStoreIsRebuiltFromItsRows() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "h2-index-repair", Long.toString(System.nanoTime())));
        String url = "jdbc:h2:file:" + dir.resolve("jobstore").toAbsolutePath();
        JdbcDataSource dataSource = migrated(url, "");
        JobStore store = new JobStore(dataSource, json);
        for (int i = 0; i < JOBS; i++) {
            store.insertIfAbsent(JobStoreContract.job("k" + i, 5), 0);
        }
        Job before = new JobQueries(dataSource, json).find("k7").orElseThrow();
        damage(dataSource, "k7");

        // what the harness saw: the job cannot be found by its key, and the claim passes it over
        JobClaims claims = new JobClaims(dataSource, json, "a/1");
        assertThat(new JobQueries(dataSource, json).find("k7")).isEmpty();
        assertThat(claims.claimDue(JOBS, 10, 1_000)).extracting(Job::getKey).hasSize(JOBS - 1).doesNotContain("k7");
        assertThat(claims.unreachable()).as("reported, not passed over in silence").containsExactly("k7");

        List<H2IndexRepair.Mismatch> found = new H2IndexRepair(url, "", "").checkAndRepair();

        assertThat(found).extracting(H2IndexRepair.Mismatch::table).containsOnly("JOB");
        assertThat(found).extracting(H2IndexRepair.Mismatch::index).hasSize(2).contains("JOB_STATE")
                .anyMatch(index -> index.startsWith("PRIMARY_KEY"));
        assertThat(found).allMatch(m -> m.rows() == JOBS && m.entries() == JOBS - 1, "one entry short");
        assertThat(Files.exists(dir.resolve("jobstore.mv.db"))).isTrue();
        assertThat(damagedFiles(dir)).as("the damaged file is kept beside it").hasSize(1);
        assertThat(new H2IndexRepair(url, "", "").check()).as("every index rebuilt").isEmpty();

        Job after = new JobQueries(dataSource, json).find("k7").orElseThrow();
        assertThat(after.getRequest()).isEqualTo(before.getRequest());
        assertThat(after.getState()).isEqualTo(before.getState());
        assertThat(new JobQueries(dataSource, json).countByState().get(JobState.ACCEPTED)).isEqualTo(JOBS);
        // the other jobs' claims, made before the rebuild, run out at 1,000: all twenty are claimed again after it
        assertThat(new JobClaims(dataSource, json, "a/2").claimDue(JOBS, 2_000, 3_000)).extracting(Job::getKey)
                .hasSize(JOBS).contains("k7");
        // the migrations' history came along: Flyway finds nothing to do
        assertThat(MigratedStores.migrate(dataSource)).isZero();
    }

    @Test
    void aSoundStoreAndAMissingOneAreLeftAsTheyAre() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "h2-index-repair", Long.toString(System.nanoTime())));
        String url = "jdbc:h2:file:" + dir.resolve("jobstore").toAbsolutePath();
        assertThat(new H2IndexRepair(url, "", "").checkAndRepair()).isEmpty();
        assertThat(Files.exists(dir.resolve("jobstore.mv.db"))).as("no store made before Flyway makes it").isFalse();

        JdbcDataSource dataSource = migrated(url, "");
        new JobStore(dataSource, json).insertIfAbsent(JobStoreContract.job("k1", 5), 0);
        assertThat(new H2IndexRepair(url, "", "").checkAndRepair()).isEmpty();
        assertThat(damagedFiles(dir)).isEmpty();
    }

    /**
     * The bundle started on such a store (its default H2 file in the data folder) delivers the job the damage hid:
     * the check runs before the job store's pool opens the file.
     */
    @Test
    void theBundleStartedOnADamagedStoreDeliversTheHiddenJob() throws Exception {
        assumeThat(System.getProperty("imagegen.test.db")).as("-Dimagegen.test.db").isNotEqualTo("postgres");
        Folders folders = new Folders("h2-index-repair").clean();
        String url = "jdbc:h2:file:" + Files.createDirectories(folders.data).resolve("jobstore").toAbsolutePath();
        // made by the shipped imagegen.db.user: a store's first connection makes its user the owner
        JdbcDataSource dataSource = migrated(url, "sa");
        JobStore store = new JobStore(dataSource, json);
        List<String> keys = List.of("seen-1", "hidden", "seen-2", "seen-3");
        keys.forEach(key -> store.insertIfAbsent(TestJobs.accepted(key, "all-images", 1, null), 0));
        damage(dataSource, "hidden");

        try (RunningBundle bundle = RunningBundle.start(folders.fastBundle())) {
            for (String key : keys) {
                folders.awaitEnded(key, "DELIVERED", Duration.ofSeconds(30));
            }
        }
        assertThat(damagedFiles(folders.data)).hasSize(1);
    }

    private static JdbcDataSource migrated(String url, String user) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(url);
        dataSource.setUser(user);
        MigratedStores.migrate(dataSource);
        return dataSource;
    }

    /** Takes job {@code key}'s entries out of the primary key's index and the state index, leaving its row. */
    private static void damage(JdbcDataSource dataSource, String key) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
            Table job = session.getDatabase().getSchema("PUBLIC").findTableOrView(session, "JOB");
            Row row = null;
            Cursor rows = job.getScanIndex(session).find(session, null, null, false);
            while (rows.next()) {
                if (rows.get().getValue(job.getColumn("JOB_KEY").getColumnId()).getString().equals(key)) {
                    row = rows.get();
                }
            }
            assertThat(row).as("job " + key + " in the table").isNotNull();
            for (Index index : job.getIndexes()) {
                if (index.getIndexType().isPrimaryKey() || index.getName().equals("JOB_STATE")) {
                    index.remove(session, row);
                }
            }
            c.commit();
        }
    }

    private static List<Path> damagedFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().contains("-damaged-")).toList();
        }
    }
}
