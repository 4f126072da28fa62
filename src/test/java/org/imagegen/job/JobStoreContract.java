package org.imagegen.job;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.request.GenerationRequest;
import org.imagegen.support.TestJobs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job store's guarantees, on the schema Flyway really applies: run on H2 ({@link JobStoreH2Test}) and on
 * PostgreSQL ({@link JobStorePostgresTest}), since the same SQL must hold on both. Here its writes and reads; its
 * claims and leases in {@link JobClaimsContract}.
 */
abstract class JobStoreContract implements JobClaimsContract {

    private DataSource dataSource;

    /** A data source on an empty database (or schema) of its own. */
    protected abstract DataSource freshDatabase() throws Exception;

    @BeforeEach
    void migrate() throws Exception {
        dataSource = freshDatabase();
    }

    /** One instance's view of the store: its writes, its claims (leases named after it), its reads, its operator. */
    record Instance(JobStore writes, JobClaims claims, JobQueries queries, OperatorWrites operator) {
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public Instance instance(String instance) {
        ObjectMapper json = new ObjectMapper();
        return new Instance(new JobStore(dataSource, json), new JobClaims(dataSource, json, instance),
                new JobQueries(dataSource, json), new OperatorWrites(dataSource));
    }

    /** A new ACCEPTED job for all-images, due at {@code due} (shared with H2ReopensTest). */
    static Job job(String key, long due) {
        Job job = TestJobs.accepted(key, "all-images", null, null);
        job.setNextCheckAt(due);
        return job;
    }

    @Test
    void aKeyCanBeInsertedOnlyOnce() {
        Instance store = instance("a/1");
        assertThat(store.writes().insertIfAbsent(job("k1", 0), 0)).isEmpty();
        assertThat(store.writes().insertIfAbsent(job("k1", 0), 0)).get().extracting(Job::getState).isEqualTo(JobState.ACCEPTED);
        assertThat(store.queries().countByState().get(JobState.ACCEPTED)).isEqualTo(1);
    }

    @Test
    void theReportedCostAndTheRequestsModelAreKeptWithTheJob() {
        Instance store = instance("a/1");
        Job job = job("c1", 0);
        job.setRequest(new GenerationRequest("c1", false, "all-images", "p", null, null, null, null, Map.of(), Map.of(),
                List.of("outbox"), "pix-2"));
        store.writes().insertIfAbsent(job, 0);
        assertThat(store.queries().find("c1").orElseThrow().getCost()).as("none reported yet").isNull();

        Job claimed = store.claims().claimDue(1, 1, 1_000).get(0);
        claimed.setCost(0.04);
        claimed.setCostUnit("USD");
        store.writes().save(claimed, Save.withoutEvent(), 2);

        Job read = store.queries().find("c1").orElseThrow();
        assertThat(read.getCost()).isEqualTo(0.04);
        assertThat(read.getCostUnit()).isEqualTo("USD");
        assertThat(read.getRequest().model()).isEqualTo("pix-2");
        assertThat(store.writes().insertIfAbsent(job("c2", 0), 0)).isEmpty();
        assertThat(store.queries().find("c2").orElseThrow().getRequest().model()).isNull();
    }

    @Test
    void insertsABatchInOneGoAndReturnsTheKeysThatExisted() {
        Instance store = instance("a/1");
        store.writes().insertIfAbsent(job("b2", 0), 0);

        Map<String, Job> existing = store.writes().insertAllIfAbsent(List.of(job("b1", 0), job("b2", 0), job("b3", 0)), 5);

        assertThat(existing).containsOnlyKeys("b2");
        assertThat(store.queries().countByState().get(JobState.ACCEPTED)).isEqualTo(3);
        assertThat(store.queries().history("b3")).extracting(JobEvent::state).containsExactly(JobState.ACCEPTED);
        assertThat(store.writes().insertAllIfAbsent(List.of(job("b1", 0), job("b3", 0)), 6)).containsOnlyKeys("b1", "b3");
    }

    // ---- HTTP API and webhooks -----------------------------------------------------------------------

    @Test
    void listsNewestFirstWithFiltersAndAKeysetCursor() {
        Instance store = instance("a/1");
        for (int i = 1; i <= 5; i++) {
            Job job = job("l" + i, 0);
            job.setAcceptedAt(i <= 2 ? 100 : 200 + i);
            store.writes().insertIfAbsent(job, 0);
        }
        List<Job> first = store.queries().list(List.of(), null, null, null, null, 3);
        assertThat(first).extracting(Job::getKey).containsExactly("l5", "l4", "l3");
        Job last = first.get(2);
        assertThat(store.queries().list(List.of(), null, null, last.getAcceptedAt(), last.getKey(), 3))
                .extracting(Job::getKey).containsExactly("l2", "l1");
        assertThat(store.queries().list(List.of(JobState.ACCEPTED), "all-images", 200L, null, null, 10)).hasSize(3);
        assertThat(store.queries().list(List.of(JobState.FAILED), null, null, null, null, 10)).isEmpty();
        assertThat(store.queries().list(List.of(), "rendernet", null, null, null, 10)).isEmpty();
    }

    @Test
    void aWebhookBringsOnlyTheWaitingJobOfThatGenerationForward() {
        Instance store = instance("a/1");
        store.writes().insertIfAbsent(job("w1", 0), 0);
        Job job = store.claims().claimDue(1, 0, 1_000).get(0);
        job.setState(JobState.RUNNING);
        job.setProviderJobId("print_1");
        job.setNextCheckAt(50_000L);
        store.writes().save(job, Save.withEvent(null), 0);

        assertThat(store.writes().bringCheckForward("all-images", "print_unknown", 10)).isZero();
        assertThat(store.writes().bringCheckForward("rendernet", "print_1", 10)).isZero();
        assertThat(store.writes().bringCheckForward("all-images", "print_1", 10)).isEqualTo(1);
        assertThat(store.queries().find("w1").orElseThrow().getNextCheckAt()).isEqualTo(10L);
        // already due: nothing to bring forward
        assertThat(store.writes().bringCheckForward("all-images", "print_1", 20)).isZero();
    }

    @Test
    void aFailedJobIsReopenedAsANewGenerationOnlyFromFailedOrTimedOut() {
        Instance store = instance("a/1");
        store.writes().insertIfAbsent(job("r1", 0), 0);
        Job job = store.claims().claimDue(1, 0, 1_000).get(0);
        assertThat(store.operator().reopenForGeneration("r1", 1, 99, "retry")).isFalse();
        job.setState(JobState.FAILED);
        job.setProviderJobId("print_old");
        job.setStatusUrl("https://queue.example/requests/print_old/status");
        job.setProgress(2, 10);
        job.setCreateAttempts(1);
        job.setNextCheckAt(null);
        store.writes().save(job, Save.withEvent("failed"), 2);

        assertThat(store.operator().reopenForGeneration("r1", 10, 99, "retry: paid again")).isTrue();

        Job reopened = store.queries().find("r1").orElseThrow();
        assertThat(reopened.getState()).isEqualTo(JobState.ACCEPTED);
        assertThat(reopened.getProviderJobId()).isNull();
        assertThat(reopened.getStatusUrl()).isNull();
        assertThat(reopened.getPosition()).isNull();
        assertThat(reopened.getProgress()).isNull();
        assertThat(reopened.getCreateAttempts()).isEqualTo(1);
        assertThat(reopened.getNextCheckAt()).isEqualTo(10L);
        assertThat(reopened.getDeadlineAt()).isEqualTo(99L);
        assertThat(store.queries().countByProviderAndState().get("all-images")).containsEntry(JobState.ACCEPTED, 1L);
        assertThat(store.queries().countDue(10)).isEqualTo(1);
        store.queries().ping(2);
    }

    @Test
    void theStatusUrlPositionAndProgressAreWrittenWithASaveOnlyWhenTheyChanged() throws SQLException {
        Instance store = instance("a/1");
        store.writes().insertIfAbsent(job("p1", 0), 0);
        Job job = store.claims().claimDue(1, 0, 1_000).get(0);
        String url = "https://queue.example/requests/p1/status?logs=1&" + "x".repeat(1900);
        job.setState(JobState.SUBMITTED);
        job.setProviderJobId("p1");
        job.setStatusUrl(url);
        store.writes().save(job, Save.withEvent("generation p1").keepingClaim(), 1);
        job.setProgress(4, null);
        store.writes().save(job, Save.withoutEvent().keepingClaim(), 2);

        Job read = store.queries().find("p1").orElseThrow();
        assertThat(read.getStatusUrl()).as("up to 2048 characters").isEqualTo(url);
        assertThat(read.getPosition()).isEqualTo(4);
        assertThat(read.getProgress()).isNull();

        // a row changed behind the job's back shows whether a save writes the columns again
        try (Connection c = dataSource.getConnection()) {
            c.createStatement().executeUpdate("UPDATE job SET queue_position = 99 WHERE job_key = 'p1'");
        }
        job.setProgress(4, null);
        store.writes().save(job, Save.withoutEvent().keepingClaim(), 3);
        assertThat(store.queries().find("p1").orElseThrow().getPosition()).as("unchanged: not written").isEqualTo(99);
        job.setProgress(null, 35);
        store.writes().save(job, Save.withoutEvent(), 4);
        Job running = store.queries().find("p1").orElseThrow();
        assertThat(running.getPosition()).isNull();
        assertThat(running.getProgress()).isEqualTo(35);
        assertThat(running.getStatusUrl()).isEqualTo(url);
    }
}
