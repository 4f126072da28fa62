package org.imagegen.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.builder.AdviceWith;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.imagegen.disk.DiskSpace;
import org.imagegen.job.JobState;
import org.imagegen.job.JobQueries;
import org.imagegen.job.JobStoreException;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.SimulatorSettings;
import org.imagegen.support.EmbeddedKafka;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.imagegen.support.Simulated;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Requests on a Kafka topic (an embedded KRaft broker), through the real routes/ and config/: images in the outbox,
 * job events on a Kafka topic, bad records on {@code <topic>.dlt} with the reason, and offsets committed only after
 * the requests are recorded.
 */
@ExtendWith(PostgresJobStore.class)
class KafkaIntakeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Folders FOLDERS = new Folders("kafka-intake").clean();

    private static RunningBundle bundle;
    private static KafkaConsumer<String, String> deadLetters;
    private static KafkaConsumer<String, String> events;
    private static final List<ConsumerRecord<String, String>> DEAD = new ArrayList<>();
    private static final List<ConsumerRecord<String, String>> EVENTS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        bundle = RunningBundle.start(settings(FOLDERS, "kafka.requests", "imagegen.events.endpoints=kafka:kafka.events",
                // a failure is dead-lettered after 2 retries 50 ms apart; a full disk is checked every 200 ms
                "imagegen.kafka.retries=2", "imagegen.kafka.retry-delay=50ms", "imagegen.disk.recheck=200ms"));
        deadLetters = EmbeddedKafka.consumer("kafka.requests.dlt");
        events = EmbeddedKafka.consumer("kafka.events");
    }

    @AfterAll
    static void stop() throws Exception {
        deadLetters.close();
        events.close();
        bundle.close();
        EmbeddedKafka.stop();
    }

    @Test
    void aRequestIsDeliveredAndItsEventsGoToAKafkaTopic() throws Exception {
        EmbeddedKafka.send("kafka.requests", "{\"id\": \"kafka-happy\", \"prompt\": \"a harbour at night\"}");

        assertThat(FOLDERS.awaitManifest("kafka-happy", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(allImages().createsFor("kafka-happy")).isEqualTo(1);
        await().atMost(WAIT).until(() -> EmbeddedKafka.poll(events, EVENTS).stream()
                .anyMatch(r -> r.value().contains("\"kafka-happy\"") && r.value().contains("\"DELIVERED\"")));
        List<String> states = new ArrayList<>();
        for (ConsumerRecord<String, String> r : EVENTS) {
            JsonNode event = JSON.readTree(r.value());
            if (event.path("jobKey").asText().equals("kafka-happy")) {
                states.add(event.path("state").asText());
                assertThat(header(r, "ImagegenEventId")).isEqualTo(event.path("eventId").asText());
                assertThat(header(r, "ImagegenState")).isEqualTo(event.path("state").asText());
            }
        }
        assertThat(states).containsSubsequence("ACCEPTED", "SUBMITTED", "SUCCEEDED", "DELIVERED");
        assertThat(bundle.bean("jobQueries", JobQueries.class).find("kafka-happy").orElseThrow().getSource())
                .startsWith("kafka:kafka.requests/0/");
    }

    @Test
    void anUnreadableRecordAndABatchsBadRecordGoToTheDeadLetterTopicWithWhy() throws Exception {
        EmbeddedKafka.send("kafka.requests", "{\"id\": \"kafka-poison\", \"prompt\": ");
        String batch = """
                {"id": "kafka-batch-1", "prompt": "a good one"}
                {"id": "kafka-batch-2", "prompt": "no count like this", "count": 99}
                """;
        EmbeddedKafka.send("kafka.requests", batch);

        ConsumerRecord<String, String> poison = awaitDead(r -> r.value().contains("kafka-poison"));
        assertThat(header(poison, "ImagegenReason")).startsWith("rejected: input: invalid JSON");
        assertThat(header(poison, "ImagegenRecord")).isEqualTo("0");
        ConsumerRecord<String, String> bad = awaitDead(r -> r.value().contains("kafka-batch-2"));
        assertThat(bad.value()).isEqualTo(batch);
        assertThat(header(bad, "ImagegenRecord")).isEqualTo("2");
        assertThat(header(bad, "ImagegenField")).isEqualTo("count");
        assertThat(header(bad, "ImagegenAccepted")).isEqualTo("kafka-batch-1");
        assertThat(FOLDERS.awaitManifest("kafka-batch-1", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(bundle.bean("jobQueries", JobQueries.class).find("kafka-batch-2")).isEmpty();
    }

    @Test
    void aRecordArrivingWhileTheDiskIsShortOfSpaceIsHeldNotDeadLetteredAndAcceptedWhenSpaceReturns() throws Exception {
        DiskSpace disk = bundle.bean("diskSpace", DiskSpace.class);
        JobQueries store = bundle.bean("jobQueries", JobQueries.class);
        long configured = disk.minFreeBytes();
        // "full": a threshold above the data folder's real free space
        disk.setMinFreeBytes(2 * DiskSpace.freeBytes(FOLDERS.data));
        try {
            EmbeddedKafka.send("kafka.requests", "{\"id\": \"kafka-disk\", \"prompt\": \"a harbour in fog\"}");
            // held, its offset not committed, far longer than the intake's retries take to dead-letter a failure
            await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> store.find("kafka-disk").isEmpty()
                    && EmbeddedKafka.poll(deadLetters, DEAD).stream().noneMatch(r -> r.value().contains("kafka-disk")));
        } finally {
            disk.setMinFreeBytes(configured);
        }
        assertThat(FOLDERS.awaitManifest("kafka-disk", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(allImages().createsFor("kafka-disk")).isEqualTo(1);
        assertThat(EmbeddedKafka.poll(deadLetters, DEAD)).noneMatch(r -> r.value().contains("kafka-disk"));
    }

    @Test
    void aRecordThatIsNotUtf8IsDeadLetteredNotTurnedIntoReplacementCharacters() throws Exception {
        byte[] latin1 = "{\"id\": \"kafka-latin1\", \"prompt\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        EmbeddedKafka.sendBytes("kafka.requests", latin1);

        ConsumerRecord<String, String> dead = awaitDead(r -> r.value().contains("kafka-latin1"));
        assertThat(header(dead, "ImagegenReason")).contains("not valid UTF-8");
        assertThat(bundle.bean("jobQueries", JobQueries.class).find("kafka-latin1")).isEmpty();
    }

    @Test
    void theSameRequestSentTwiceIsGeneratedOnce() throws Exception {
        String request = "{\"id\": \"kafka-dup\", \"prompt\": \"only once please\"}";
        EmbeddedKafka.send("kafka.requests", request);
        EmbeddedKafka.send("kafka.requests", request);

        ConsumerRecord<String, String> duplicate = awaitDead(r -> r.value().contains("kafka-dup"));
        assertThat(header(duplicate, "ImagegenReason")).contains("duplicate");
        assertThat(FOLDERS.awaitManifest("kafka-dup", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(allImages().createsFor("kafka-dup")).isEqualTo(1);
    }

    @Test
    void aRecordWhoseOffsetWasNotCommittedIsReadAgainAfterARestartAndMakesOneGeneration() throws Exception {
        Folders folders = new Folders("kafka-uncommitted").clean();
        // one provider outside both bundles, as a real service would be, so creates are counted across the restart
        AllImagesSimulator provider = (AllImagesSimulator) new AllImagesSimulator(new SimulatorSettings(0,
                Duration.ofMillis(200), Duration.ofMillis(400), 0, 0, 0, 0, Duration.ZERO, "test-key", 7, 64)).start();
        String[] settings = settings(folders, "kafka.uncommitted", "imagegen.simulate=auto",
                "imagegen.providers.all-images.base-url=" + provider.baseUrl(),
                "imagegen.providers.all-images.api-key=test-key");
        try (provider; AutoCloseable ownStore = PostgresJobStore.ownSchema("kafka_uncommitted")) {
            try (RunningBundle first = RunningBundle.start(settings)) {
                // the bundle stops after recording the request and before committing its offset
                // ("commit-offset", "accept": steps of routes/queue-intake.camel.yaml, at run time kafka-commit-offset, ...)
                AdviceWith.adviceWith(first.context(), "ingest-kafka",
                        route -> route.weaveById("commit-offset").replace().process(exchange -> { }));
                EmbeddedKafka.send("kafka.uncommitted", "{\"id\": \"kafka-uncommitted\", \"prompt\": \"read twice\"}");
                JobQueries store = first.bean("jobQueries", JobQueries.class);
                await().atMost(WAIT).until(() -> store.find("kafka-uncommitted").isPresent());
            }

            AtomicInteger reads = new AtomicInteger();
            try (RunningBundle second = RunningBundle.start(settings)) {
                AdviceWith.adviceWith(second.context(), "ingest-kafka", route -> route.weaveById("accept")
                        .before().process(exchange -> {
                            if (exchange.getMessage().getBody(String.class).contains("kafka-uncommitted")) {
                                reads.incrementAndGet();
                            }
                        }));
                assertThat(folders.awaitManifest("kafka-uncommitted", WAIT).path("state").asText())
                        .isEqualTo("DELIVERED");
                await().atMost(WAIT).until(() -> reads.get() > 0);
                assertThat(reads).hasValue(1);
                JobQueries store = second.bean("jobQueries", JobQueries.class);
                assertThat(store.history("kafka-uncommitted")).filteredOn(e -> e.state() == JobState.ACCEPTED)
                        .hasSize(1);
            }
            assertThat(provider.createsFor("kafka-uncommitted")).isEqualTo(1);
        }
        assertThat(EmbeddedKafka.poll(deadLetters, DEAD)).noneMatch(r -> r.value().contains("kafka-uncommitted"));
    }

    @Test
    void aRecordThatKeepsFailingIsRetriedABoundedNumberOfTimesThenDeadLettered() throws Exception {
        Folders folders = new Folders("kafka-faults").clean();
        AtomicInteger attempts = new AtomicInteger();
        try (RunningBundle faulty = RunningBundle.start(settings(folders, "kafka.faults",
                "imagegen.kafka.retries=2", "imagegen.kafka.retry-delay=50ms"));
             KafkaConsumer<String, String> dlt = EmbeddedKafka.consumer("kafka.faults.dlt")) {
            AdviceWith.adviceWith(faulty.context(), "ingest-kafka", route -> route.weaveById("accept")
                    .before().process(exchange -> {
                        attempts.incrementAndGet();
                        throw new JobStoreException("job store unavailable (test)", null);
                    }));
            EmbeddedKafka.send("kafka.faults", "{\"id\": \"kafka-store-down\", \"prompt\": \"never recorded\"}");

            List<ConsumerRecord<String, String>> dead = new ArrayList<>();
            await().atMost(WAIT).until(() -> !EmbeddedKafka.poll(dlt, dead).isEmpty());
            assertThat(header(dead.get(0), "ImagegenReason"))
                    .isEqualTo("failed 3 times, last: JobStoreException: job store unavailable (test)");
            assertThat(dead.get(0).value()).contains("kafka-store-down");
            assertThat(attempts).hasValue(3);
            assertThat(faulty.bean("jobQueries", JobQueries.class).find("kafka-store-down")).isEmpty();
        }
    }

    private static ConsumerRecord<String, String> awaitDead(Predicate<ConsumerRecord<String, String>> match) {
        return await().atMost(WAIT).until(() -> EmbeddedKafka.poll(deadLetters, DEAD).stream().filter(match).findFirst(),
                Optional::isPresent).get();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String[] settings(Folders folders, String topic, String... more) throws Exception {
        List<String> settings = new ArrayList<>(List.of(
                "imagegen.kafka.enabled=true",
                "imagegen.kafka.brokers=" + EmbeddedKafka.bootstrapServers(),
                "imagegen.kafka.topic=" + topic,
                "imagegen.kafka.group-id=bundle-" + topic,
                // a stopping bundle waits for the consumer's current poll to return
                "camel.component.kafka.poll-timeout-ms=500",
                // a consumer that did not leave its group cleanly (a bundle stopped under load) holds its partitions
                // until its session times out: the broker's minimum, not Kafka's 45 s, so the next bundle takes over
                "camel.component.kafka.session-timeout-ms=6000"));
        settings.addAll(List.of(more));
        return folders.fastBundle(settings.toArray(String[]::new));
    }

    private static AllImagesSimulator allImages() {
        return Simulated.simulator(bundle, "all-images", AllImagesSimulator.class);
    }
}
