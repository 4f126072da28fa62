package org.imagegen.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Job events to a RabbitMQ exchange with the endpoint docs/queues.md shows
 * ({@code spring-rabbitmq:<exchange>?routingKey=job&autoDeclareProducer=true}), through the real routes/ and config/:
 * the bundle declares the exchange, events reach the queue a consumer bound to it, and once the bundle has stopped
 * that queue is the only one bound to the exchange - the bundle left none of its own behind to fill up with events.
 * Subclasses say which broker ({@link RabbitBroker}, which also lists an exchange's bindings).
 */
@ExtendWith(PostgresJobStore.class)
abstract class RabbitMqEventsContract {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final List<String> received = new ArrayList<>();

    private final String name;
    private final RabbitBroker.Start brokerStart;

    /** {@code name}: the test's folders; {@code brokerStart}: its broker, started if the test owns one. */
    RabbitMqEventsContract(String name, RabbitBroker.Start brokerStart) {
        this.name = name;
        this.brokerStart = brokerStart;
    }

    @Test
    void publishingEventsLeavesNoQueueBehind() throws Exception {
        String events = "it.events." + name + "-" + System.nanoTime();
        RabbitBroker broker = brokerStart.broker();
        ConnectionFactory factory = broker.connections();
        List<String> bound = new ArrayList<>();
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            Folders folders = new Folders(name).clean();
            String consumer;
            try (RunningBundle bundle = RunningBundle.start(folders.fastBundle(
                    "imagegen.events.endpoints=spring-rabbitmq:" + events + "?routingKey=job&autoDeclareProducer=true",
                    "imagegen.rabbitmq.port=" + broker.port(),
                    "imagegen.rabbitmq.virtual-host=" + broker.virtualHost()))) {
                // the first event makes the producer declare the exchange
                folders.drop("ev-1.json", "{\"id\": \"ev-1\", \"prompt\": \"a lighthouse\"}");
                assertThat(folders.awaitManifest("ev-1", WAIT).path("state").asText()).isEqualTo("DELIVERED");
                await().atMost(WAIT).until(() -> exchangeExists(connection, events));

                // a consumer of the events binds its own queue (gone with this connection) and gets them
                consumer = channel.queueDeclare().getQueue();
                channel.queueBind(consumer, events, "job");
                folders.drop("ev-2.json", "{\"id\": \"ev-2\", \"prompt\": \"a lighthouse at night\"}");
                await().atMost(WAIT).until(() -> receivedDelivered(channel, consumer, "ev-2"));
            }

            bound.addAll(broker.queuesBoundTo(events));
            assertThat(bound).containsExactly(consumer);
        } finally {
            // what a failing run left on a shared broker goes: the exchange and any queue the bundle bound to it
            try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
                for (String queue : bound) {
                    channel.queueDelete(queue);
                }
                channel.exchangeDelete(events);
            } finally {
                broker.close();
            }
        }
    }

    private static boolean exchangeExists(Connection connection, String exchange) {
        try (Channel probe = connection.createChannel()) {
            probe.exchangeDeclarePassive(exchange);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private boolean receivedDelivered(Channel channel, String queue, String jobKey) throws Exception {
        for (GetResponse r = channel.basicGet(queue, true); r != null; r = channel.basicGet(queue, true)) {
            received.add(new String(r.getBody(), StandardCharsets.UTF_8));
        }
        return received.stream().anyMatch(e -> e.contains("\"jobKey\":\"" + jobKey + "\"")
                && e.contains("\"state\":\"DELIVERED\""));
    }
}
