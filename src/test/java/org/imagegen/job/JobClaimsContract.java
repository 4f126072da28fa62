package org.imagegen.job;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.job.JobStoreContract.Instance;
import org.imagegen.support.AtOnce;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.imagegen.job.JobStoreContract.job;

/**
 * The job store's claims and leases (part of {@link JobStoreContract}, run with it on H2 and on PostgreSQL): only due
 * jobs are claimed, never by two instances at once; a save is fenced by its lease; a lost claim answer, a restarted
 * node and a cancel each free what they must.
 */
interface JobClaimsContract {

    /** A data source on the database the test's instances share. */
    DataSource dataSource();

    /** One instance's view of that store, its leases named after {@code instance}. */
    Instance instance(String instance);

    @Test
    default void claimsOnlyDueJobsAndNeverTheSameJobTwiceWhileLeased() {
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
    default void finishedGenerationsAreClaimedFirstThenChecksThenCreatesEachInTheOrderTheyFellDue() {
        Instance store = instance("a/1");
        store.writes().insertIfAbsent(inState("create-late", JobState.ACCEPTED, 100), 0);
        store.writes().insertIfAbsent(inState("create-early", JobState.ACCEPTED, 50), 0);
        store.writes().insertIfAbsent(inState("held", JobState.HELD_BUDGET, 60), 0);
        store.writes().insertIfAbsent(inState("check", JobState.RUNNING, 150), 0);
        store.writes().insertIfAbsent(inState("download", JobState.SUCCEEDED, 190), 0);
        Job done = inState("done", JobState.DELIVERED, 0);
        done.setNextCheckAt(null);
        store.writes().insertIfAbsent(done, 0);

        // a batch of three: one from each of the first two ranks, then the earliest create
        assertThat(store.claims().claimDue(3, 200, 5_000)).extracting(Job::getKey)
                .containsExactly("download", "check", "create-early");
        assertThat(store.claims().claimDue(10, 200, 5_000)).extracting(Job::getKey)
                .containsExactly("held", "create-late");
        assertThat(store.claims().claimDue(10, 10_000, 20_000)).as("a job never checked again is never claimed")
                .extracting(Job::getKey).doesNotContain("done");
    }

    @Test
    default void aClaimLeavesTheJobsOfTheSkippedProvidersUnclaimed() {
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
    default void concurrentClaimersShareTheDueJobsWithoutOverlap() throws Exception {
        Instance setup = instance("setup/1");
        for (int i = 0; i < 300; i++) {
            setup.writes().insertIfAbsent(job("j" + i, 0), 0);
        }
        List<Callable<List<Job>>> claimers = List.of(
                () -> drain(instance("n1/1")), () -> drain(instance("n2/1")), () -> drain(instance("n3/1")), () -> drain(instance("n4/1")));
        Set<String> seen = new HashSet<>();
        int total = 0;
        for (List<Job> claimed : AtOnce.run(claimers)) {
            for (Job j : claimed) {
                total++;
                seen.add(j.getKey());
            }
        }
        assertThat(total).isEqualTo(300);
        assertThat(seen).hasSize(300);
    }

    /**
     * Two instances (their own stores and threads) claim, work on and release the same jobs over and over, each job
     * due again at once: a job is never held by both at the same time, and both get work.
     */
    @Test
    default void twoInstancesNeverHoldTheSameJobAtOnce() throws Exception {
        Instance setup = instance("setup/1");
        for (int i = 0; i < 40; i++) {
            setup.writes().insertIfAbsent(job("c" + i, 0), 0);
        }
        Map<String, String> holder = new ConcurrentHashMap<>();
        List<String> overlaps = Collections.synchronizedList(new ArrayList<>());
        Map<String, AtomicInteger> claimsBy = new ConcurrentHashMap<>();
        List<Callable<Void>> workers = new ArrayList<>();
        for (String instance : List.of("node-a/1", "node-b/1")) {
            Instance store = instance(instance);
            claimsBy.put(instance, new AtomicInteger());
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
        AtOnce.run(workers);
        assertThat(overlaps).isEmpty();
        assertThat(claimsBy.get("node-a/1").get()).isPositive();
        assertThat(claimsBy.get("node-b/1").get()).isPositive();
        assertThat(claimsBy.values().stream().mapToInt(AtomicInteger::get).sum())
                .isGreaterThan(40);
    }

    private static List<Job> drain(Instance store) {
        List<Job> all = new ArrayList<>();
        for (List<Job> batch; !(batch = store.claims().claimDue(7, 1, 1_000_000)).isEmpty(); ) {
            all.addAll(batch);
        }
        return all;
    }

    @Test
    default void aSaveIsFencedByTheLease() {
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
    default void aClaimWhoseAnswerWasLostIsReleasedByTheNextClaim() {
        instance("a/1").writes().insertIfAbsent(job("k1", 0), 0);
        // the claim's UPDATE commits, then the connection breaks before the claimed rows are read back
        JobClaims mine = new JobClaims(breakingBeforeReadBack(dataSource()), new ObjectMapper(), "a/1");
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
            return Proxy.newProxyInstance(JobClaimsContract.class.getClassLoader(),
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
        return (DataSource) Proxy.newProxyInstance(JobClaimsContract.class.getClassLoader(),
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
    default void aRestartedNodeFreesTheClaimsItsEarlierRunLeft() {
        Instance before = instance("node-a/boot1");
        before.writes().insertIfAbsent(job("k1", 0), 0);
        assertThat(before.claims().claimDue(1, 10, 1_000_000)).hasSize(1);

        Instance after = instance("node-a/boot2");
        assertThat(instance("node-b/x").claims().releaseLeasesOfNode("node-b")).isZero();
        assertThat(after.claims().releaseLeasesOfNode("node-a")).isEqualTo(1);
        assertThat(after.claims().claimDue(1, 20, 1_000_000)).hasSize(1);
    }

    @Test
    default void aCancelRevokesTheClaimSoTheWorkerHoldingItWritesNothing() {
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

    private static Job inState(String key, JobState state, long due) {
        Job job = job(key, due);
        job.setState(state);
        return job;
    }
}
