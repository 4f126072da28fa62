package org.imagegen.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.springrabbit.SpringRabbitMQComponent;
import org.imagegen.disk.DiskSpace;
import org.imagegen.job.JobState;
import org.imagegen.job.JobQueries;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.imagegen.support.Simulated;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.imagegen.support.ApiClient.text;
import static org.awaitility.Awaitility.await;

/**
 * RabbitMQ intake against an AMQP 0-9-1 broker, through the real routes/ and config/: the bundle declares its
 * durable queue and dead-letter exchange, requests become images, events go to an exchange, bad messages are
 * dead-lettered with the reason, and a message whose acknowledgement was lost is redelivered without a second job.
 * Subclasses say which broker; every name carries a suffix of its own and is deleted afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresJobStore.class)
abstract class RabbitMqIntakeContract {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String suffix = "-" + System.nanoTime();
    private final String exchange = "it.requests" + suffix;
    private final String queue = "it.requests" + suffix;
    private final String dlx = "it.dlx" + suffix;
    private final String dlq = "it.requests.dlq" + suffix;
    private final String events = "it.events" + suffix;
    private final Map<String, AtomicInteger> deliveries = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> spaceChecks = new java.util.concurrent.ConcurrentHashMap<>();

    private RabbitBroker broker;
    private Folders folders;
    private RunningBundle bundle;
    private Connection connection;
    private Channel channel;
    private String eventQueue;
    private final List<GetResponse> deadLetters = new CopyOnWriteArrayList<>();
    private final List<GetResponse> published = new CopyOnWriteArrayList<>();

    private final String name;
    private final RabbitBroker.Start brokerStart;
    /**
     * Whether the bundle declares the queues (imagegen.rabbitmq.auto-declare). Qpid Broker-J refuses RabbitMQ's
     * x-dead-letter-exchange queue argument, so against it the test declares them, without that argument.
     */
    private final boolean bundleDeclares;

    /** {@code name}: the test's folders; {@code brokerStart}: its broker, started if the test owns one. */
    RabbitMqIntakeContract(String name, RabbitBroker.Start brokerStart, boolean bundleDeclares) {
        this.name = name;
        this.brokerStart = brokerStart;
        this.bundleDeclares = bundleDeclares;
    }

    @BeforeAll
    void start() throws Exception {
        broker = brokerStart.broker();
        connection = broker.connections().newConnection();
        channel = connection.createChannel();
        channel.exchangeDeclare(events, "direct", false);
        eventQueue = channel.queueDeclare().getQueue();
        channel.queueBind(eventQueue, events, "job");

        if (!bundleDeclares) {
            channel.exchangeDeclare(exchange, "direct", true);
            channel.queueDeclare(queue, true, false, false, null);
            channel.queueBind(queue, exchange, "requests");
            channel.exchangeDeclare(dlx, "direct", true);
            channel.queueDeclare(dlq, true, false, false, null);
            channel.queueBind(dlq, dlx, "imagegen.requests");
        }
        folders = new Folders(name).clean();
        bundle = RunningBundle.start(folders.fastBundle(
                "imagegen.events.endpoints=spring-rabbitmq:" + events + "?routingKey=job",
                "imagegen.rabbitmq.enabled=true",
                "imagegen.rabbitmq.port=" + broker.port(),
                "imagegen.rabbitmq.virtual-host=" + broker.virtualHost(),
                "imagegen.rabbitmq.exchange=" + exchange,
                "imagegen.rabbitmq.queue=" + queue,
                "imagegen.rabbitmq.dead-letter-exchange=" + dlx,
                "imagegen.rabbitmq.dead-letter-queue=" + dlq,
                "imagegen.rabbitmq.retry-delay=50ms",
                "imagegen.disk.recheck=200ms",
                "imagegen.rabbitmq.auto-declare=" + bundleDeclares));
        // counts each delivery of a message; the first delivery of "lose-ack" loses the bundle's connection after
        // its jobs were recorded, before the acknowledgement could be sent
        // "accept": the step of routes/queue-intake.camel.yaml (at run time prefixed with the intake, e.g. jms-accept)
        AdviceWith.adviceWith(bundle.context(), "ingest-rabbitmq", route -> {
            // notes that a message reached the free-space check (a held one is checked again at that step)
            route.weaveById("check-disk-space").before().process(exchange -> spaceChecks
                    .computeIfAbsent(exchange.getVariable("original", String.class), b -> new AtomicInteger())
                    .incrementAndGet());
            route.weaveById("accept").before().process(exchange -> deliveries
                    .computeIfAbsent(exchange.getMessage().getBody(String.class), b -> new AtomicInteger())
                    .incrementAndGet());
            route.weaveById("accept").after().process(exchange -> {
                String body = exchange.getVariable("original", String.class);
                if (body.contains("lose-ack") && deliveries.get(body).get() == 1) {
                    ((CachingConnectionFactory) bundle.context()
                            .getComponent("spring-rabbitmq", SpringRabbitMQComponent.class).getConnectionFactory())
                            .resetConnection();
                }
            });
        });
        await().atMost(WAIT).until(() -> queueExists(queue) && queueExists(dlq));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (bundle != null) {
                bundle.close();
            }
            for (String q : List.of(queue, dlq)) {
                channel.queueDelete(q);
            }
            for (String e : List.of(exchange, dlx, events)) {
                channel.exchangeDelete(e);
            }
            connection.close();
        } finally {
            broker.close();
        }
    }

    @Test
    void theBundleDeclaredADurableQueueAndARequestIsDeliveredWithItsEvents() throws Exception {
        publish("{\"id\": \"rmq-happy" + suffix + "\", \"prompt\": \"a windmill\"}", "m-happy");

        assertThat(folders.awaitManifest("rmq-happy" + suffix, WAIT).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(simulator().createsFor("rmq-happy" + suffix)).isEqualTo(1);
        await().atMost(WAIT).until(() -> drain(eventQueue, published).stream()
                .anyMatch(r -> body(r).contains("rmq-happy") && body(r).contains("\"DELIVERED\"")));
        List<String> states = new ArrayList<>();
        for (GetResponse r : published) {
            JsonNode event = JSON.readTree(body(r));
            if (event.path("jobKey").asText().equals("rmq-happy" + suffix)) {
                states.add(event.path("state").asText());
                assertThat(header(r, "ImagegenEventId")).isEqualTo(event.path("eventId").asText());
            }
        }
        assertThat(states).containsSubsequence("ACCEPTED", "SUBMITTED", "SUCCEEDED", "DELIVERED");
        if (bundleDeclares) {
            // the same declaration the bundle made is accepted; any difference (not durable, no dead-letter
            // exchange) would be refused with PRECONDITION_FAILED
            try (Channel declare = connection.createChannel()) {
                declare.queueDeclare(queue, true, false, false, Map.of("x-dead-letter-exchange", dlx,
                        "x-dead-letter-routing-key", "imagegen.requests"));
            }
        }
    }

    @Test
    void badMessagesGoToTheDeadLetterExchangeWithWhy() throws Exception {
        publish("{\"id\": \"rmq-poison\", \"prompt\": ", null);
        String batch = "{\"id\": \"rmq-batch-1" + suffix + "\", \"prompt\": \"good\"}\n"
                + "{\"id\": \"rmq-batch-2" + suffix + "\", \"prompt\": \"\"}\n";
        publish(batch, "m-batch");

        GetResponse poison = awaitDead(r -> body(r).contains("rmq-poison"));
        assertThat(header(poison, "ImagegenReason")).startsWith("rejected: input: invalid JSON");
        assertThat(header(poison, "ImagegenRecord")).isEqualTo("0");
        GetResponse bad = awaitDead(r -> body(r).contains("rmq-batch-2"));
        assertThat(body(bad)).isEqualTo(batch);
        assertThat(header(bad, "ImagegenRecord")).isEqualTo("2");
        assertThat(header(bad, "ImagegenField")).isEqualTo("prompt");
        assertThat(header(bad, "ImagegenAccepted")).isEqualTo("rmq-batch-1" + suffix);
        assertThat(folders.awaitManifest("rmq-batch-1" + suffix, WAIT).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(store().find("rmq-batch-2" + suffix)).isEmpty();
    }

    @Test
    void theSameRequestSentTwiceAsTwoMessagesIsGeneratedOnce() throws Exception {
        String request = "{\"id\": \"rmq-dup" + suffix + "\", \"prompt\": \"only once please\"}";
        publish(request, "m-dup-1");
        publish(request, "m-dup-2");

        GetResponse duplicate = awaitDead(r -> body(r).contains("rmq-dup"));
        assertThat(header(duplicate, "ImagegenReason")).contains("duplicate");
        assertThat(folders.awaitManifest("rmq-dup" + suffix, WAIT).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(simulator().createsFor("rmq-dup" + suffix)).isEqualTo(1);
    }

    @Test
    void aMessageWhoseAcknowledgementWasLostIsRedeliveredAndMakesOneGeneration() throws Exception {
        String body = "{\"id\": \"rmq-lose-ack" + suffix + "\", \"prompt\": \"lose-ack\"}";
        publish(body, "m-lose-ack");

        assertThat(folders.awaitManifest("rmq-lose-ack" + suffix, WAIT).path("state").asText()).isEqualTo("DELIVERED");
        await().atMost(WAIT).until(() -> deliveries.containsKey(body) && deliveries.get(body).get() >= 2);
        assertThat(deliveries.get(body)).hasValue(2);
        assertThat(store().history("rmq-lose-ack" + suffix)).filteredOn(e -> e.state() == JobState.ACCEPTED)
                .hasSize(1);
        assertThat(simulator().createsFor("rmq-lose-ack" + suffix)).isEqualTo(1);
        assertThat(drain(dlq, deadLetters)).noneMatch(r -> body(r).contains("lose-ack"));
    }

    @Test
    void aMessageArrivingWhileTheDiskIsShortOfSpaceIsHeldNotDeadLetteredAndAcceptedOnceWhenSpaceReturns()
            throws Exception {
        DiskSpace disk = bundle.bean("diskSpace", DiskSpace.class);
        long configured = disk.minFreeBytes();
        String id = "rmq-disk" + suffix;
        String body = "{\"id\": \"" + id + "\", \"prompt\": \"a lighthouse in a gale\"}";
        // "full": a threshold above the data folder's real free space
        disk.setMinFreeBytes(2 * DiskSpace.freeBytes(folders.data));
        try {
            publish(body, "m-disk");
            // refused at the check, then held by the consumer (checked again every 200 ms at that step) for far
            // longer than the intake's retries of a failure take to dead-letter it (3 x 50 ms)
            await().atMost(WAIT).until(() -> spaceChecks.containsKey(body));
            await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> store().find(id).isEmpty()
                    && drain(dlq, deadLetters).stream().noneMatch(r -> body(r).contains(id)));
            assertThat(deliveries).doesNotContainKey(body);
        } finally {
            disk.setMinFreeBytes(configured);
        }
        assertThat(folders.awaitManifest(id, WAIT).path("state").asText()).isEqualTo("DELIVERED");
        // accepted on the same delivery it was held in: never rejected, requeued or dead-lettered
        assertThat(deliveries.get(body)).hasValue(1);
        assertThat(spaceChecks.get(body)).hasValue(1);
        assertThat(simulator().createsFor(id)).isEqualTo(1);
        assertThat(drain(dlq, deadLetters)).noneMatch(r -> body(r).contains(id));
    }

    @Test
    void aMessageThatIsNotUtf8IsDeadLetteredNotTurnedIntoReplacementCharacters() throws Exception {
        String id = "rmq-latin1" + suffix;
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId("m-latin1")
                .contentType("application/json").deliveryMode(2).build();
        channel.basicPublish(exchange, "requests", properties,
                ("{\"id\": \"" + id + "\", \"prompt\": \"caf\u00e9\"}").getBytes(StandardCharsets.ISO_8859_1));

        GetResponse dead = awaitDead(r -> new String(r.getBody(), StandardCharsets.ISO_8859_1).contains(id));
        assertThat(header(dead, "ImagegenReason")).contains("not valid UTF-8");
        assertThat(store().find(id)).isEmpty();
    }

    @Test
    void readinessIncludesTheBroker() {
        ApiClient api = ApiClient.of(bundle, "no-token-needed-for-health");
        await().atMost(WAIT).until(() -> api.send("GET", "/observe/health/ready", null, null).statusCode() == 200);
        assertThat(text(api.send("GET", "/observe/health/ready?exposureLevel=full", null, null)))
                .contains("broker-rabbitmq");
    }

    private void publish(String body, String messageId) throws Exception {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId(messageId)
                .contentType("application/json").deliveryMode(2).build();
        channel.basicPublish(exchange, "requests", properties, body.getBytes(StandardCharsets.UTF_8));
    }

    private GetResponse awaitDead(Predicate<GetResponse> match) {
        return await().atMost(WAIT).until(() -> drain(dlq, deadLetters).stream().filter(match).findFirst(),
                Optional::isPresent).get();
    }

    private List<GetResponse> drain(String from, List<GetResponse> into) throws Exception {
        for (GetResponse r = channel.basicGet(from, true); r != null; r = channel.basicGet(from, true)) {
            into.add(r);
        }
        return into;
    }

    private boolean queueExists(String name) {
        try (Channel probe = connection.createChannel()) {
            probe.queueDeclarePassive(name);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static String body(GetResponse r) {
        return new String(r.getBody(), StandardCharsets.UTF_8);
    }

    private static String header(GetResponse r, String name) {
        Object value = r.getProps().getHeaders() == null ? null : r.getProps().getHeaders().get(name);
        return value == null ? null : value.toString();
    }

    private AllImagesSimulator simulator() {
        return Simulated.simulator(bundle, "all-images", AllImagesSimulator.class);
    }

    private JobQueries store() {
        return bundle.bean("jobQueries", JobQueries.class);
    }
}
