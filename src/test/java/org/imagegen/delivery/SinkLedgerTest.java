package org.imagegen.delivery;

import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.imagegen.job.Job;
import org.imagegen.job.JobState;
import org.imagegen.job.JobQueries;
import org.imagegen.job.JobStore;
import org.imagegen.job.OperatorWrites;
import org.imagegen.request.GenerationRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The sink ledger (V3) and the operator's reopen of a DELIVERY_FAILED job, on the migrated schema (H2). */
class SinkLedgerTest {

    @Test
    void recordsEachSinkOnItsOwnAndReopensOnlyTheFailedOnes() {
        DataSource db = database();
        JobStore store = new JobStore(db, new ObjectMapper());
        OperatorWrites operator = new OperatorWrites(db);
        Job job = new Job();
        job.setKey("j1");
        job.setProvider("rendernet");
        job.setState(JobState.DELIVERY_FAILED);
        job.setRequest(new GenerationRequest("j1", false, "rendernet", "p", null, null, null, null, Map.of(), Map.of(),
                List.of("a", "b")));
        job.setDeliveryAttempts(3);
        store.insertIfAbsent(job, 0);
        SinkLedger ledger = new SinkLedger(db);

        ledger.ensure("j1", List.of("a", "b"), 10);
        ledger.ensure("j1", List.of("a", "b"), 20); // idempotent
        ledger.delivered("j1", "a", 1, "s3://x/j1/", 30);
        ledger.failed("j1", "b", 1, 99L, "sftp://h:22/j1/", "down", 30);
        assertThat(ledger.of("j1")).extracting(SinkRecord::state).containsExactly(SinkState.DELIVERED, SinkState.PENDING);
        ledger.failed("j1", "b", 2, null, "sftp://h:22/j1/", "still down", 40);

        assertThat(ledger.reopenFailed("j1", 50)).isEqualTo(1);
        List<SinkRecord> records = ledger.of("j1");
        assertThat(records.get(0)).extracting(SinkRecord::state, SinkRecord::attempts, SinkRecord::location)
                .containsExactly(SinkState.DELIVERED, 1, "s3://x/j1/");
        assertThat(records.get(1)).extracting(SinkRecord::state, SinkRecord::attempts, SinkRecord::nextTryAt)
                .containsExactly(SinkState.PENDING, 0, 50L);

        assertThat(operator.reopenForDelivery("j1", 60, "retry")).isTrue();
        assertThat(operator.reopenForDelivery("j1", 70, "retry")).isFalse(); // no longer DELIVERY_FAILED
        Job reopened = new JobQueries(db, new ObjectMapper()).find("j1").orElseThrow();
        assertThat(reopened.getState()).isEqualTo(JobState.SUCCEEDED);
        assertThat(reopened.getNextCheckAt()).isEqualTo(60L);
        assertThat(reopened.getDeliveryAttempts()).isZero();
    }

    private static DataSource database() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:ledger" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return dataSource;
    }
}
