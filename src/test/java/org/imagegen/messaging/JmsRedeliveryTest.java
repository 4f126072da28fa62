package org.imagegen.messaging;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.Message;
import org.apache.camel.builder.AdviceWith;
import org.imagegen.job.JobState;
import org.imagegen.job.JobQueries;
import org.imagegen.job.JobStoreException;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.imagegen.support.Simulated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.imagegen.messaging.JmsClient.awaitMessage;
import static org.imagegen.messaging.JmsClient.property;

/**
 * A JMS message is acknowledged only after its jobs are in the job store: a failure after recording them rolls the
 * receive back, the broker delivers the message again and the job key keeps it to one job and one paid generation.
 * A failure that does not go away (the job store down) is retried a bounded number of times, then dead-lettered with
 * the reason. A message sent while the intake is stopped is kept in the broker's journal across a restart.
 * Faults are injected into the real ingest-jms route around its accept step.
 */
@ExtendWith(PostgresJobStore.class)
class JmsRedeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aFailureAfterRecordingMeansRedeliveryAndStillOneGeneration() throws Exception {
        Folders folders = new Folders("jms-redelivery").clean();
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        try (RunningBundle bundle = RunningBundle.start(settings(folders));
             JmsClient client = new JmsClient(bundle.bean("jmsBroker", EmbeddedBroker.class).port())) {
            // "accept": the step of routes/queue-intake.camel.yaml (at run time prefixed with the intake, e.g. jms-accept)
            AdviceWith.adviceWith(bundle.context(), "ingest-jms", route -> {
                route.weaveById("accept").before().process(exchange -> {
                    String fault = exchange.getMessage().getHeader("TestFault", String.class);
                    deliveries.computeIfAbsent(fault, f -> new AtomicInteger()).incrementAndGet();
                    if ("store-down".equals(fault)) {
                        throw new JobStoreException("job store unavailable (test)", null);
                    }
                });
                route.weaveById("accept").after().process(exchange -> {
                    // the jobs are committed; the process "dies" before the message is acknowledged
                    if ("crash-after-record".equals(exchange.getMessage().getHeader("TestFault", String.class))
                            && exchange.getMessage().getHeader("JMSXDeliveryCount", Integer.class) == 1) {
                        throw new IllegalStateException("crash after recording (test)");
                    }
                });
            });
            List<Message> deadLetters = client.collect("DLQ");

            client.send("imagegen.requests", "{\"id\": \"jms-crash\", \"prompt\": \"survives a crash\"}",
                    Map.of("TestFault", "crash-after-record"));
            client.send("imagegen.requests", "{\"id\": \"jms-store-down\", \"prompt\": \"never recorded\"}",
                    Map.of("TestFault", "store-down"));

            assertThat(folders.awaitManifest("jms-crash", WAIT).path("state").asText()).isEqualTo("DELIVERED");
            assertThat(deliveries.get("crash-after-record")).hasValue(2);
            JobQueries store = bundle.bean("jobQueries", JobQueries.class);
            assertThat(store.history("jms-crash")).filteredOn(e -> e.state() == JobState.ACCEPTED).hasSize(1);
            assertThat(Simulated.simulator(bundle, "all-images", AllImagesSimulator.class).createsFor("jms-crash"))
                    .isEqualTo(1);

            Message dead = awaitMessage(deadLetters, WAIT, m -> "store-down".equals(property(m, "TestFault")));
            assertThat(property(dead, "ImagegenReason"))
                    .isEqualTo("failed 3 times, last: JobStoreException: job store unavailable (test)");
            assertThat(deliveries.get("store-down")).hasValue(3);
            assertThat(store.find("jms-store-down")).isEmpty();
            assertThat(deadLetters).noneMatch(m -> "crash-after-record".equals(property(m, "TestFault")));
        }
    }

    @Test
    void aMessageWaitingInTheBrokerSurvivesARestartOfTheBundle() throws Exception {
        Folders folders = new Folders("jms-journal").clean();
        try (RunningBundle bundle = RunningBundle.start(settings(folders));
             JmsClient client = new JmsClient(bundle.bean("jmsBroker", EmbeddedBroker.class).port())) {
            bundle.context().getRouteController().stopRoute("ingest-jms");
            client.send("imagegen.requests", "{\"id\": \"jms-journal\", \"prompt\": \"kept on disk\"}", Map.of());
        }
        assertThat(folders.manifestPath("jms-journal")).doesNotExist();

        try (RunningBundle restarted = RunningBundle.start(settings(folders))) {
            assertThat(folders.awaitManifest("jms-journal", WAIT).path("state").asText()).isEqualTo("DELIVERED");
            assertThat(Simulated.simulator(restarted, "all-images", AllImagesSimulator.class).createsFor("jms-journal"))
                    .isEqualTo(1);
        }
        assertThat(Files.exists(folders.data.resolve("artemis").resolve("journal"))).isTrue();
    }

    private static String[] settings(Folders folders) {
        return folders.fastBundle("imagegen.jms.max-attempts=3", "imagegen.jms.redelivery-delay=100ms");
    }
}
