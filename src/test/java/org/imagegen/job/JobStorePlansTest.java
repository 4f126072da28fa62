package org.imagegen.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.support.MigratedStores;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the status loop and the metrics read costs what they need, not what the table holds: with a thousand creates
 * due, a thousand not due for long and a thousand finished jobs (half of them costed) in the table, H2 reads each
 * rank's rows through the index on (claim_rank, next_check_at, lease_until, provider) in the order the claim takes
 * them and stops at the batch; the count of due jobs reads the due jobs' index entries; the spend reads the costed
 * jobs' entries of the cost's index. Counted in rows H2 scanned (its EXPLAIN ANALYZE), never in time; the
 * benchmark's waiting workload gives the times at 100,000 rows on H2 and PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobStorePlansTest {

    private static final int DUE = 1_000;
    private static final int WAITING = 1_000;
    private static final int FINISHED = 1_000;
    private static final int BATCH = 50;
    private static final Pattern SCANNED = Pattern.compile("scanCount: (\\d+)");

    private DataSource dataSource;

    @BeforeAll
    void aBacklogOfCreatesBesideManyFinishedJobs() throws Exception {
        dataSource = MigratedStores.h2("claims-plan").get();
        JobStore writes = new JobStore(dataSource, new ObjectMapper());
        for (int i = 0; i < DUE; i++) {
            writes.insertIfAbsent(JobStoreContract.job("due-" + i, i), 0);
        }
        for (int i = 0; i < WAITING; i++) {
            writes.insertIfAbsent(JobStoreContract.job("waiting-" + i, 1_000_000_000L + i), 0);
        }
        for (int i = 0; i < FINISHED; i++) {
            Job done = JobStoreContract.job("done-" + i, 0);
            done.setState(JobState.DELIVERED);
            done.setNextCheckAt(null);
            if (i % 2 == 0) {
                done.setCost(1.0);
                done.setCostUnit("credits");
            }
            writes.insertIfAbsent(done, 0);
        }
    }

    @Test
    void eachRankReadsAtMostTheRowsItTakes() throws Exception {
        for (int rank = 0; rank <= 2; rank++) {
            String plan = explain(rank);
            assertThat(plan).as("rank %d", rank).contains("JOB_CLAIM").contains("index sorted");
            assertThat(scanned(plan)).as("rows scanned for rank %d: %s", rank, plan).isLessThanOrEqualTo(BATCH + 1);
        }
    }

    @Test
    void theDueCountReadsTheDueJobsAlone() throws Exception {
        String plan = explain(JobQueries.DUE_OF_RANK, 2, DUE, DUE);
        assertThat(plan).contains("JOB_CLAIM");
        assertThat(scanned(plan)).as(plan).isLessThanOrEqualTo(DUE + 1);
        assertThat(new JobQueries(dataSource, new ObjectMapper()).countDue(DUE)).isEqualTo(DUE);
    }

    @Test
    void theSpendReadsTheCostedJobsAlone() throws Exception {
        String plan = explain(JobQueries.SPEND);
        assertThat(plan).contains("JOB_SPEND");
        assertThat(scanned(plan)).as(plan).isLessThanOrEqualTo(FINISHED / 2 + 1);
        assertThat(new JobQueries(dataSource, new ObjectMapper()).spend())
                .extracting(JobQueries.Spend::amount).containsExactly((double) FINISHED / 2);
    }

    @Test
    void theClaimTakesTheEarliestDueCreatesOfTheBacklog() {
        List<Job> claimed = new JobClaims(dataSource, new ObjectMapper(), "a/1").claimDue(BATCH, DUE, DUE + 60_000);
        assertThat(claimed).hasSize(BATCH).first().extracting(Job::getKey).isEqualTo("due-0");
        assertThat(claimed).extracting(Job::getKey).doesNotContain("done-0");
    }

    private String explain(int rank) throws Exception {
        return explain(JobClaims.dueSearch(""), rank, DUE, DUE, BATCH);
    }

    private String explain(String statement, Object... parameters) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement explain = c.prepareStatement("EXPLAIN ANALYZE " + statement)) {
            for (int i = 0; i < parameters.length; i++) {
                explain.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = explain.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static long scanned(String plan) {
        Matcher m = SCANNED.matcher(plan);
        assertThat(m.find()).as("H2 reports the rows it scanned: %s", plan).isTrue();
        return Long.parseLong(m.group(1));
    }
}
