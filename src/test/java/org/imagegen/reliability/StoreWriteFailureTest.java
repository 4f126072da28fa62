package org.imagegen.reliability;

import java.time.Duration;

import javax.sql.DataSource;

import org.imagegen.job.JobEvent;
import org.imagegen.job.JobState;
import org.imagegen.job.JobQueries;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.imagegen.support.Simulated;
import org.imagegen.support.StoreFaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Job-store writes that fail at the worst moments, refused by the database itself ({@link StoreFaults}: a trigger on
 * the job table; H2, or PostgreSQL under {@code -Dimagegen.test.db=postgres}), with everything else of the bundle
 * real: routes/, config/, the RenderNet simulator.
 */
@ExtendWith(PostgresJobStore.class)
class StoreWriteFailureTest {

    /**
     * The "create is being sent" mark cannot be written (the database went away at that moment, and is back for the
     * error handler's write). No create left, so the job is sent once more, normally: never reconciled, never parked
     * for an operator (RenderNet cannot be searched, so a create taken for lost would be parked).
     */
    @Test
    void aCreateWhoseSubmittingMarkWasNotWrittenIsSentLaterExactlyOnce() throws Exception {
        deliveredAndCreatedOnce("submitting", "mark-lost", "a lighthouse",
                faults -> faults.failWrites("mark-lost", "SUBMITTING", 1), (bundle, faults) -> {
                    // the refused write and the one that went through
                    assertThat(faults.writesTried()).isEqualTo(2);
                    JobQueries store = bundle.bean("jobQueries", JobQueries.class);
                    // the manifest reaches the sink just before the row says DELIVERED
                    await().atMost(Duration.ofSeconds(10)).until(() -> store.find("mark-lost").orElseThrow().getState()
                            == JobState.DELIVERED);
                    assertThat(store.history("mark-lost")).extracting(JobEvent::state)
                            .doesNotContain(JobState.NEEDS_ATTENTION)
                            .containsSubsequence(JobState.ACCEPTED, JobState.SUBMITTING, JobState.SUBMITTED,
                                    JobState.SUCCEEDED, JobState.DELIVERED);
                });
    }

    /**
     * A step's write fails and so does its error handler's (the database away for both). The job is still claimed,
     * for a lease of 10 minutes here; it is recorded and delivered as soon as the store takes writes again, not when
     * the lease runs out.
     */
    @Test
    void aJobWhoseStepAndErrorHandlerCouldNotWriteIsDeliveredLongBeforeItsLeaseRunsOut() throws Exception {
        deliveredAndCreatedOnce("stranded", "stranded", "a harbour", faults -> {
            // the check that finds the generation finished, then the error handler's reschedule
            faults.failWrites("stranded", "SUCCEEDED", 2);
            faults.failWrites("stranded", "SUCCEEDED", 2);
        }, (bundle, faults) -> assertThat(faults.writesTried()).isGreaterThanOrEqualTo(3), "imagegen.loop.lease=10m");
    }

    /** Which of the job store's writes fail. */
    private interface Failing {
        void setUp(StoreFaults faults) throws Exception;
    }

    /** What a test checks in the bundle, still running, once its job was delivered. */
    private interface Then {
        void check(RunningBundle bundle, StoreFaults faults) throws Exception;
    }

    /**
     * RenderNet job {@code id} sent through a bundle of its own ({@code name} names its folders and, on PostgreSQL,
     * its schema; {@code settings} beyond the fast bundle's) whose job-store writes fail as {@code failing} sets up:
     * it is delivered all the same, created at the provider once; then {@code then} checks the rest.
     */
    private static void deliveredAndCreatedOnce(String name, String id, String prompt, Failing failing, Then then,
                                                String... settings) throws Exception {
        Folders folders = new Folders("store-write-" + name).clean();
        try (AutoCloseable schema = PostgresJobStore.ownSchema("store_write_" + name);
             RunningBundle bundle = RunningBundle.start(folders.fastBundle(settings))) {
            StoreFaults faults = StoreFaults.install(bundle.bean("jobStoreDataSource", DataSource.class));
            failing.setUp(faults);

            folders.runJob(id, "rendernet", prompt, "DELIVERED", Duration.ofSeconds(30));
            assertThat(Simulated.simulator(bundle, "rendernet", RenderNetSimulator.class).createsFor(id)).isEqualTo(1);
            then.check(bundle, faults);
        }
    }
}
