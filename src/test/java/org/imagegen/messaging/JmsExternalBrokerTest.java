package org.imagegen.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.imagegen.support.ApiClient.text;
import static org.imagegen.messaging.JmsClient.awaitMessage;
import static org.imagegen.messaging.JmsClient.body;
import static org.imagegen.messaging.JmsClient.property;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.jms.Message;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.FreePorts;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.imagegen.support.Simulated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * "Any JMS 2.0 broker via its connection factory": the bundle reads requests through Qpid JMS (AMQP 1.0) from a broker
 * outside it - an Artemis in the test JVM that speaks AMQP - and dead-letters a bad one there, with no embedded
 * broker of its own; and it is not ready while that broker is down.
 */
@ExtendWith(PostgresJobStore.class)
class JmsExternalBrokerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void requestsArriveThroughAnotherVendorsClient() throws Exception {
        int port = FreePorts.loopback();
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(new ConfigurationImpl()
                .setPersistenceEnabled(false).setSecurityEnabled(false)
                .addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port + "?protocols=AMQP,CORE"));
        broker.start();
        Folders folders = new Folders("jms-external").clean();
        try (RunningBundle bundle = RunningBundle.start(folders.fastBundle(
                "imagegen.jms.broker-url=amqp://127.0.0.1:" + port,
                "imagegen.jms.connection-factory=org.apache.qpid.jms.JmsConnectionFactory",
                "imagegen.jms.queue=external.requests",
                "imagegen.jms.dead-letter-queue=external.DLQ"));
             JmsClient client = new JmsClient(port)) {
            assertThat(bundle.context().getRegistry().lookupByName("jmsBroker")).isNull();
            List<Message> deadLetters = client.collect("external.DLQ");

            client.send("external.requests", "{\"id\": \"jms-external\", \"prompt\": \"a boat on a lake\"}", Map.of());
            client.send("external.requests", "{\"id\": \"jms-external-bad\", \"provider\": \"midjourney\", "
                    + "\"prompt\": \"no such provider\"}", Map.of());

            assertThat(folders.awaitManifest("jms-external", WAIT).path("state").asText()).isEqualTo("DELIVERED");
            assertThat(Simulated.simulator(bundle, "all-images", AllImagesSimulator.class).createsFor("jms-external"))
                    .isEqualTo(1);
            Message dead = awaitMessage(deadLetters, WAIT, m -> body(m).contains("jms-external-bad"));
            assertThat(property(dead, "ImagegenField")).isEqualTo("provider");

            // readiness follows the broker: Camel has no JMS consumer health check, the bundle's own one connects
            ApiClient api = ApiClient.of(bundle, "no-token-needed-for-health");
            assertThat(api.send("GET", "/observe/health/ready", null, null).statusCode()).isEqualTo(200);
            broker.stop();
            await().atMost(WAIT).until(() -> api.send("GET", "/observe/health/ready", null, null).statusCode() == 503);
            assertThat(text(api.send("GET", "/observe/health/ready?exposureLevel=full", null, null)))
                    .contains("broker-jms");
        } finally {
            broker.stop();
        }
    }
}
