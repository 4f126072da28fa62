package org.imagegen.job;

import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.support.MigratedStores;
import org.imagegen.support.MovableClock;
import org.imagegen.support.TestJobs;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the tests of two instances taking one job from each other share: a fresh H2 job store for each test with the
 * job "k1" accepted in it, each instance's claims on it (A is node-a/1, B node-b/1, each with a 3 s lease), and a
 * clock the test moves.
 */
abstract class TwoInstancesOnOneStore {

    static final Duration LEASE = Duration.ofSeconds(3);

    final MovableClock clock = new MovableClock();
    JobStore store;
    JobQueries queries;
    JobClaims claimsA;
    JobClaims claimsB;

    private final String database;
    private final String provider;

    /** The store is named {@code database}; the job is {@code provider}'s. */
    TwoInstancesOnOneStore(String database, String provider) {
        this.database = database;
        this.provider = provider;
    }

    @BeforeEach
    void oneJobAccepted() {
        DataSource dataSource = MigratedStores.h2(database).get();
        store = new JobStore(dataSource, new ObjectMapper());
        queries = new JobQueries(dataSource, new ObjectMapper());
        claimsA = new JobClaims(dataSource, new ObjectMapper(), "node-a/1");
        claimsB = new JobClaims(dataSource, new ObjectMapper(), "node-b/1");
        store.insertIfAbsent(TestJobs.accepted("k1", provider, null, null), 0);
    }

    /** The status loop of the instance that claims with {@code claims}: for a claim it needs the store and the clock. */
    StatusLoop statusLoop(JobClaims claims) {
        return new StatusLoop(claims, store, queries, null, null, Map.of(), clock, 10, LEASE);
    }
}
