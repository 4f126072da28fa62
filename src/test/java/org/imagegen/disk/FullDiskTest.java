package org.imagegen.disk;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.imagegen.job.Job;
import org.imagegen.job.JobState;
import org.imagegen.job.JobQueries;
import org.imagegen.messaging.EmbeddedBroker;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.imagegen.support.Simulated;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A full disk simulated in the JVM, anywhere: the test raises imagegen.disk.min-free-bytes above the real free space
 * of the data folder and the outbox while the bundle runs ("full"), then puts it back ("space returns"). While full,
 * a finished generation's images are not downloaded and the job waits without spending its delivery attempts (more
 * waits than imagegen.delivery.max-attempts, and still not DELIVERY_FAILED); a request file stays in the inbox and is
 * read again, each time logged with its name and the free space; the API answers 503 with Retry-After and accepts
 * nothing; a JMS message is held unacknowledged, not dead-lettered. When space returns every one of them is delivered
 * once, complete. The real thing, a small tmpfs that fills up, is {@link TmpfsFullDiskTest}.
 */
@ExtendWith(PostgresJobStore.class)
class FullDiskTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = "full-disk-token";

    private final Folders folders = new Folders("full-disk").clean();
    @AutoClose
    private DiskBundle run;
    private RunningBundle bundle;

    @Test
    void whileTheDiskIsFullNothingIsAcceptedOrDeliveredAndEverythingIsDeliveredOnceWhenSpaceReturns() throws Exception {
        run = DiskBundle.start(folders,
                "imagegen.api.token=" + TOKEN,
                "imagegen.disk.recheck=200ms",
                "imagegen.poll.max-backoff=300ms",
                "imagegen.delivery.max-attempts=2",
                "imagegen.jms.queue=disk.requests",
                "imagegen.jms.dead-letter-queue=disk.DLQ");
        bundle = run.bundle;
        DiskLog log = run.log;
        DiskSpace disk = bundle.bean("diskSpace", DiskSpace.class);
        JobQueries store = bundle.bean("jobQueries", JobQueries.class);
        ApiClient api = ApiClient.of(bundle, TOKEN);
        long configured = disk.minFreeBytes();
        assertThat(configured).isEqualTo(268435456L);
        assertThat(DiskSpace.freeBytes(folders.data)).as("this test needs the default's free space").isGreaterThan(configured);

        // a request accepted while there is room; the disk "fills" while it is being generated
        assertThat(api.post("/api/generations", "{\"id\": \"wait-1\", \"prompt\": \"a lighthouse in fog\"}")
                .statusCode()).isEqualTo(202);
        disk.setMinFreeBytes(2 * DiskSpace.freeBytes(folders.data));

        // its delivery waits: more waits than it has attempts, and still SUCCEEDED with nothing downloaded
        await().atMost(WAIT).until(() -> log.count("job wait-1: waiting for disk space", "data folder") > 2);
        Job waiting = store.find("wait-1").orElseThrow();
        assertThat(waiting.getState()).isEqualTo(JobState.SUCCEEDED);
        assertThat(waiting.getDeliveryAttempts()).isZero();
        assertThat(waiting.getReason()).contains("waiting for disk space", "data folder", "imagegen.disk.min-free-bytes");
        assertThat(folders.outbox.resolve("wait-1")).doesNotExist();
        assertThat(DiskBundle.files(folders.data.resolve("staging"))).isEmpty();

        // inputs are refused while full, each in its own way, and nothing of them is accepted
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(
                "tcp://127.0.0.1:" + bundle.bean("jmsBroker", EmbeddedBroker.class).port());
             JMSContext jms = factory.createContext()) {
            List<Message> deadLetters = new CopyOnWriteArrayList<>();
            jms.createContext(JMSContext.AUTO_ACKNOWLEDGE).createConsumer(jms.createQueue("disk.DLQ"))
                    .setMessageListener(deadLetters::add);
            folders.drop("held.json", "{\"id\": \"file-held\", \"prompt\": \"a red kite\"}");
            Message sent = jms.createTextMessage("{\"id\": \"jms-held\", \"prompt\": \"a blue kite\"}");
            jms.createProducer().send(jms.createQueue("disk.requests"), sent);

            HttpResponse<byte[]> refused = api.post("/api/generations", "{\"id\": \"api-held\", \"prompt\": \"a kite\"}");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(ApiClient.json(refused).path("detail").asText())
                    .contains("disk space", "data folder", "imagegen.disk.min-free-bytes", "nothing was accepted");

            // the file is read, refused and left in the inbox again and again, each time logged with its name and
            // the free space; the message is held and checked again
            await().atMost(WAIT).until(() -> log.count("not accepting file:held.json now", "free, below") >= 3
                    && log.count("not accepting jms:disk.requests/" + sent.getJMSMessageID() + " now", "free, below") >= 3);
            assertThat(folders.inbox.resolve("held.json")).exists();
            assertThat(folders.inbox.resolve(".camel")).doesNotExist();
            assertThat(folders.done("held.json")).doesNotExist();
            assertThat(folders.rejected("held.json")).doesNotExist();
            assertThat(folders.rejected("held.json.error.json")).doesNotExist();
            for (String id : List.of("file-held", "jms-held", "api-held")) {
                assertThat(store.find(id)).as(id).isEmpty();
            }
            assertThat(store.find("wait-1").map(Job::getState)).contains(JobState.SUCCEEDED);

            // space returns: everything waiting goes on by itself; the API client tries again
            disk.setMinFreeBytes(configured);
            assertThat(api.post("/api/generations", "{\"id\": \"api-held\", \"prompt\": \"a kite\"}").statusCode())
                    .isEqualTo(202);
            for (String id : List.of("wait-1", "file-held", "jms-held", "api-held")) {
                // the manifest is the sink's last file; the job is DELIVERED right after
                await().atMost(WAIT).until(() -> store.find(id).map(Job::getState).orElse(null) == JobState.DELIVERED);
                run.assertComplete(id);
                assertThat(simulator().createsFor(id)).as(id).isEqualTo(1);
                assertThat(store.history(id)).as(id).filteredOn(e -> e.state() == JobState.DELIVERED).hasSize(1);
            }
            assertThat(store.find("wait-1").orElseThrow().getDeliveryAttempts()).isEqualTo(1);
            assertThat(folders.done("held.json")).exists();
            assertThat(folders.inbox.resolve("held.json")).doesNotExist();
            assertThat(deadLetters).isEmpty();
            assertThat(log.count("disk space is back")).isPositive();
        }
        // nothing half-written anywhere, and staging emptied
        assertThat(DiskBundle.files(folders.outbox)).noneMatch(p -> p.getFileName().toString().startsWith(".")
                || p.getFileName().toString().endsWith(".part"));
        assertThat(DiskBundle.files(folders.data.resolve("staging"))).isEmpty();
    }

    private AllImagesSimulator simulator() {
        return Simulated.simulator(bundle, "all-images", AllImagesSimulator.class);
    }
}
