package org.imagegen.cluster;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.imagegen.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The inbox's clustered read lock on the real routes/ and config/ with imagegen.cluster.enabled, on PostgreSQL: a
 * file whose lock another (live) instance holds is left alone; a lock whose holder stopped refreshing it is taken
 * over after imagegen.cluster.read-lock-max-age; a lock is released once its file was moved, so the same name
 * dropped again is read again.
 */
@ExtendWith(PostgresJobStore.class)
class ClusterReadLockTest {

    private static final String ROW = "INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) "
            + "VALUES ('inbox', ?, ?)";

    @Test
    void aFileLockedElsewhereWaitsForItsLockToGoStaleAndAReadFileIsUnlocked() throws Exception {
        Folders folders = new Folders("cluster-read-lock").clean();
        // -Dimagegen.test.db=postgres already gave this class a schema (and JVM system properties beat the settings
        // passed to RunningBundle), so use that one then
        String db = System.getProperty("imagegen.db.url", "").startsWith("jdbc:postgresql:")
                ? System.getProperty("imagegen.db.url") : TestPostgres.freshSchemaUrl("read_lock_test");
        Flyway.configure().dataSource(db, TestPostgres.user(), "").locations("classpath:db/migration").load().migrate();
        // "orphan.json": the lock of an instance that died a day ago
        insert(db, "orphan.json", new Timestamp(System.currentTimeMillis() - Duration.ofDays(1).toMillis()));

        List<String> settings = new ArrayList<>(List.of(folders.properties()));
        settings.addAll(List.of("imagegen.cluster.enabled=true", "imagegen.db.url=" + db,
                "imagegen.db.user=" + TestPostgres.user(), "imagegen.db.password=",
                "imagegen.cluster.read-lock-max-age=8s", "imagegen.cluster.read-lock-keep-alive=1s",
                "imagegen.inbox.poll=100ms", "imagegen.inbox.stable=100ms"));
        try (RunningBundle bundle = RunningBundle.start(settings.toArray(String[]::new))) {
            // "held.json": another instance started reading it just now (and will not refresh it: it is not running)
            insert(db, "held.json", new Timestamp(System.currentTimeMillis()));
            folders.drop("held.json", "{\"id\": \"held-1\", \"prompt\": \"a locked file\"}");
            folders.drop("orphan.json", "{\"id\": \"orphan-1\", \"prompt\": \"an orphaned lock\"}");

            await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(50))
                    .until(() -> Files.exists(folders.done("orphan.json")));
            assertThat(folders.inbox.resolve("held.json")).as("locked by a live instance").exists();
            assertThat(count(db, "held.json")).as("the other instance's lock is left alone").isEqualTo(1);

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(folders.done("held.json")));
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> count(db, "%") == 0);

            // released after the move: a new file under a read name is read again (its request is a duplicate)
            folders.drop("orphan.json", "{\"id\": \"orphan-2\", \"prompt\": \"dropped again\"}");
            await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(50))
                    .until(() -> Files.notExists(folders.inbox.resolve("orphan.json")));
            assertThat(folders.awaitManifest("orphan-2", Duration.ofSeconds(30)).path("state").asText())
                    .isEqualTo("DELIVERED");
            assertThat(folders.awaitManifest("held-1", Duration.ofSeconds(30)).path("state").asText())
                    .isEqualTo("DELIVERED");
        }
    }

    private static void insert(String db, String file, Timestamp at) throws Exception {
        try (Connection c = DriverManager.getConnection(db, TestPostgres.user(), "");
             PreparedStatement s = c.prepareStatement(ROW)) {
            s.setString(1, file);
            s.setTimestamp(2, at);
            s.executeUpdate();
        }
    }

    /** Read locks whose file name is like {@code pattern}. */
    private static long count(String db, String pattern) throws Exception {
        try (Connection c = DriverManager.getConnection(db, TestPostgres.user(), "");
             PreparedStatement s = c.prepareStatement(
                     "SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE messageId LIKE ?")) {
            s.setString(1, pattern);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
