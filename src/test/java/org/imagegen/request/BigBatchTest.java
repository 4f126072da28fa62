package org.imagegen.request;

import java.time.Duration;
import java.util.Map;

import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.job.JobState;
import org.imagegen.support.BundleTest;
import org.imagegen.support.Folders;
import org.imagegen.support.HostileCorpus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The last entry of the hostile corpus: one file of 100,000 requests (about 6 MB, generated: too big to commit)
 * through the watched folder. Every record must become a job, in one piece, within the test JVM's heap. The status
 * loop is held back (its first tick is an hour away), so this measures the intake alone and no generation is made.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = App.CONFIG, properties = {
        "imagegen.inbox=target/it/big-batch/inbox",
        "imagegen.outbox=target/it/big-batch/outbox",
        "imagegen.data=target/it/big-batch/data",
        "imagegen.simulate=true",
        "imagegen.loop.tick=3600000ms",
        "imagegen.inbox.poll=100ms",
        "imagegen.inbox.stable=100ms"
})
class BigBatchTest extends BundleTest {

    private static final int RECORDS = HostileCorpus.BIG_BATCH_RECORDS;
    private static final Folders FOLDERS = new Folders("big-batch").clean();

    @Test
    void aHundredThousandRequestsInOneFileAreAllAccepted() {
        FOLDERS.drop("big-batch.jsonl", HostileCorpus.bigBatch());

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> FOLDERS.done("big-batch.jsonl").toFile().exists());

        assertThat(FOLDERS.rejected("big-batch.jsonl.error.json")).doesNotExist();
        Map<JobState, Long> byState = store.countByState();
        assertThat(byState.get(JobState.ACCEPTED)).isEqualTo(RECORDS);
        assertThat(byState.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(RECORDS);
        assertThat(store.find("big-99999").orElseThrow().getProvider()).isEqualTo("rendernet");
    }
}
