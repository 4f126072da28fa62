package org.imagegen.job;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.request.GenerationRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The job store's guarantees, on the schema Flyway really applies: run on H2 ({@link JobStoreH2Test}) and on
 * PostgreSQL ({@link JobStorePostgresTest}), since the same SQL must hold on both.
 */
abstract class JobStoreContract {

    private DataSource dataSource;

    /** A data source on an empty database (or schema) of its own. */
    protected abstract DataSource freshDatabase() throws Exception;

    @BeforeEach
    void migrate() throws Exception {
        dataSource = freshDatabase();
    }

    /** One instance's view of the store: its writes, its claims (leases named after it), its reads, its operator. */
    private record Instance(JobStore writes, JobClaims claims, JobQueries queries, OperatorWrites operator) {
    }

    private Instance instance(String instance) {
        ObjectMapper json = new ObjectMapper();
        return new Instance(new JobStore(dataSource, json), new JobClaims(dataSource, json, instance),
                new JobQueries(dataSource, json), new OperatorWrites(dataSource));
    }

    /** A new ACCEPTED job for all-images, due at {@code due} (shared with H2ReopensTest). */
    static Job job(String key, long due) {
        Job job = new Job();
        job.setKey(key);
        job.setProvider("all-images");
        job.setState(JobState.ACCEPTED);
        job.setRequest(new GenerationRequest(key, false, "all-images", "p", null, null, null, null,
                Map.of(), Map.of(), List.of("outbox")));
        job.setAcceptedAt(0);
        job.setNextCheckAt(due);
        job.setDeadlineAt(Long.MAX_VALUE);
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

    @Test
    void claimsOnlyDueJobsAndNeverTheSameJobTwiceWhileLeased() {
        Instance store = instance("a/1");
        store.writes().insertIfAbsent(job("due", 100), 0);
        store.writes().insertIfAbsent(job("later", 10_000), 0);

        assertThat(store.claims().claimDue(10, 200, 5_000)).extracting(Job::getKey).containsExactly("due");
        assertThat(store.claims().claimDue(10, 300, 5_000)).isEmpty();
        assertThat(instance("b/1").claims().claimDue(10, 300, 5_000)).isEmpty();
        // the lease expired: another instance takes the job over
        assertThat(instance("b/1").claims().claimDue(10, 6_000, 9_000)).extracting(Job::getKey).containsExactly("due");
    }

    @Test
    void aClaimLeavesTheJobsOfTheSkippedProvidersUnclaimed() {
        Instance store = instance("a/1");
        Job slow = job("slow", 100);
        slow.setProvider("sloth");
        store.writes().insertIfAbsent(slow, 0);
        store.writes().insertIfAbsent(job("quick", 100), 0);

        assertThat(store.claims().claimDue(10, 200, 5_000, List.of("sloth", "rendernet"))).extracting(Job::getKey)
                .containsExactly("quick");
        // once its lane has room, the skipped job is claimed like any other
        assertThat(store.claims().claimDue(10, 300, 5_000, List.of())).extracting(Job::getKey).containsExactly("slow");
    }

    @Test
    void concurrentClaimersShareTheDueJobsWithoutOverlap() throws Exception {
        Instance setup = instance("setup/1");
        for (int i = 0; i < 300; i++) {
            setup.writes().insertIfAbsent(job("j" + i, 0), 0);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<List<Job>>> claimers = List.of(
                    () -> drain(instance("n1/1")), () -> drain(instance("n2/1")), () -> drain(instance("n3/1")), () -> drain(instance("n4/1")));
            Set<String> seen = new HashSet<>();
            int total = 0;
            for (Future<List<Job>> claimed : pool.invokeAll(claimers)) {
                for (Job j : claimed.get()) {
                    total++;
                    seen.add(j.getKey());
                }
            }
            assertThat(total).isEqualTo(300);
            assertThat(seen).hasSize(300);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Two instances (their own stores and threads) claim, work on and release the same jobs over and over, each job
     * due again at once: a job is never held by both at the same time, and both get work.
     */
    @Test
    void twoInstancesNeverHoldTheSameJobAtOnce() throws Exception {
        Instance setup = instance("setup/1");
        for (int i = 0; i < 40; i++) {
            setup.writes().insertIfAbsent(job("c" + i, 0), 0);
        }
        Map<String, String> holder = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> overlaps = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Map<String, java.util.concurrent.atomic.AtomicInteger> claimsBy = new java.util.concurrent.ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Void>> workers = new java.util.ArrayList<>();
            for (String instance : List.of("node-a/1", "node-b/1")) {
                Instance store = instance(instance);
                claimsBy.put(instance, new java.util.concurrent.atomic.AtomicInteger());
                for (int thread = 0; thread < 2; thread++) {
                    workers.add(() -> {
                        for (int round = 0; round < 60; round++) {
                            for (Job claimed : store.claims().claimDue(5, 1, 1_000_000)) {
                                claimsBy.get(instance).incrementAndGet();
                                String other = holder.putIfAbsent(claimed.getKey(), instance);
                                if (other != null) {
                                    overlaps.add(claimed.getKey() + " held by " + other + " and " + instance);
                                }
                                holder.remove(claimed.getKey(), instance);
                                claimed.setNextCheckAt(0L);
                                store.writes().save(claimed, Save.withoutEvent(), 1);
                            }
                        }
                        return null;
                    });
                }
            }
            for (Future<Void> done : pool.invokeAll(workers)) {
                done.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(overlaps).isEmpty();
        assertThat(claimsBy.get("node-a/1").get()).isPositive();
        assertThat(claimsBy.get("node-b/1").get()).isPositive();
        assertThat(claimsBy.values().stream().mapToInt(java.util.concurrent.atomic.AtomicInteger::get).sum())
                .isGreaterThan(40);
    }

    private static List<Job> drain(Instance store) {
        List<Job> all = new java.util.ArrayList<>();
        for (List<Job> batch; !(batch = store.claims().claimDue(7, 1, 1_000_000)).isEmpty(); ) {
            all.addAll(batch);
        }
        return all;
    }

    @Test
    void aSaveIsFencedByTheLease() {
        Instance mine = instance("a/1");
        mine.writes().insertIfAbsent(job("k1", 0), 0);
        Job claimed = mine.claims().claimDue(1, 10, 20).get(0);
        Job stolen = instance("b/1").claims().claimDue(1, 30, 100).get(0);

        claimed.setState(JobState.SUBMITTED);
        assertThatThrownBy(() -> mine.writes().save(claimed, Save.withEvent(null), 40)).isInstanceOf(LeaseLostException.class);

        stolen.setState(JobState.RUNNING);
        instance("b/1").writes().save(stolen, Save.withEvent("checked"), 50);
        assertThat(mine.queries().find("k1").orElseThrow().getState()).isEqualTo(JobState.RUNNING);
        assertThat(mine.queries().history("k1")).extracting(JobEvent::state).containsExactly(JobState.ACCEPTED, JobState.RUNNING);
    }

    @Test
    void aClaimWhoseAnswerWasLostIsReleasedByTheNextClaim() {
        instance("a/1").writes().insertIfAbsent(job("k1", 0), 0);
        // the claim's UPDATE commits, then the connection breaks before the claimed rows are read back
        JobClaims mine = new JobClaims(breakingBeforeReadBack(dataSource), new ObjectMapper(), "a/1");
        assertThatThrownBy(() -> mine.claimDue(1, 10, 1_000_000)).isInstanceOf(JobStoreException.class);
        assertThat(instance("b/1").claims().claimDue(1, 20, 1_000_000)).as("leased, to nobody who works on it").isEmpty();

        // the next claim (same instance, the store answering again) releases it first, long before the lease ends
        assertThat(mine.claimDue(1, 30, 1_000_000)).extracting(Job::getKey).containsExactly("k1");
    }

    /** Connections whose first read of claimed rows (by lease owner) fails, as a connection cut at that moment. */
    private static DataSource breakingBeforeReadBack(DataSource target) {
        AtomicBoolean broken = new AtomicBoolean();
        InvocationHandler connections = (proxy, method, args) -> {
            Connection c = target.getConnection();
            return Proxy.newProxyInstance(JobStoreContract.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (p, m, a) -> {
                        if (m.getName().equals("prepareStatement") && a[0] instanceof String sql
                                && sql.startsWith("SELECT") && sql.contains("WHERE lease_owner = ?")
                                && broken.compareAndSet(false, true)) {
                            c.close();
                            throw new SQLException("An I/O error occurred while sending to the backend", "08006");
                        }
                        try {
                            return m.invoke(c, a);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        };
        return (DataSource) Proxy.newProxyInstance(JobStoreContract.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return connections.invoke(proxy, method, args);
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aRestartedNodeFreesTheClaimsItsEarlierRunLeft() {
        Instance before = instance("node-a/boot1");
        before.writes().insertIfAbsent(job("k1", 0), 0);
        assertThat(before.claims().claimDue(1, 10, 1_000_000)).hasSize(1);

        Instance after = instance("node-a/boot2");
        assertThat(instance("node-b/x").claims().releaseLeasesOfNode("node-b")).isZero();
        assertThat(after.claims().releaseLeasesOfNode("node-a")).isEqualTo(1);
        assertThat(after.claims().claimDue(1, 20, 1_000_000)).hasSize(1);
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
    void aCancelRevokesTheClaimSoTheWorkerHoldingItWritesNothing() {
        Instance store = instance("a/1");
        store.writes().insertIfAbsent(job("c1", 0), 0);
        Job claimed = store.claims().claimDue(1, 0, 1_000).get(0);

        assertThat(store.operator().cancel("c1", List.of(JobState.RUNNING), 5, "no")).isFalse();
        assertThat(store.operator().cancel("c1", List.of(JobState.ACCEPTED), 5, "cancelled")).isTrue();

        claimed.setState(JobState.SUBMITTING);
        assertThatThrownBy(() -> store.writes().save(claimed, Save.withEvent(null).keepingClaim(), 6)).isInstanceOf(LeaseLostException.class);
        Job cancelled = store.queries().find("c1").orElseThrow();
        assertThat(cancelled.getState()).isEqualTo(JobState.CANCELLED);
        assertThat(cancelled.getNextCheckAt()).isNull();
        assertThat(store.claims().claimDue(10, 100, 1_000)).isEmpty();
        assertThat(store.queries().history("c1")).extracting(JobEvent::state).containsExactly(JobState.ACCEPTED, JobState.CANCELLED);
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
