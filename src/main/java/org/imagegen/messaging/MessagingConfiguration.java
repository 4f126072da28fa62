package org.imagegen.messaging;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.springrabbit.SpringRabbitMQComponent;
import org.imagegen.job.JobState;
import org.imagegen.observe.BrokerHealthCheck;
import org.imagegen.support.Durations;
import org.imagegen.support.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.connection.UserCredentialsConnectionFactoryAdapter;

import static org.imagegen.support.Settings.required;

/**
 * Message queues: binds the {@code jms} component (to the embedded Artemis broker, started here, or to
 * an external broker by URL), the event outbox that routes/publish-events.camel.yaml drains, and the small beans
 * the queue intake routes use. Called from BundleConfiguration once the data source exists.
 */
public final class MessagingConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(MessagingConfiguration.class);

    private MessagingConfiguration() {
    }

    public static void configure(CamelContext context, DataSource dataSource, ObjectMapper json, Path data,
                                 Consumer<AutoCloseable> closer) throws Exception {
        // routes/publish-events.camel.yaml sends to these (a RabbitMQ exchange declares no queue unless named)
        EventEndpoints eventEndpoints = new EventEndpoints(required(context, "imagegen.events.endpoints"));
        context.getRegistry().bind("eventEndpoints", eventEndpoints);
        List<String> endpoints = eventEndpoints.uris();
        if (Boolean.parseBoolean(required(context, "imagegen.jms.enabled"))) {
            ConnectionFactory factory = connectionFactory(context, data, closer);
            JmsComponent jms = new JmsComponent();
            jms.setConnectionFactory(factory);
            context.addComponent("jms", jms);
            context.getRegistry().bind("jmsBrokerHealthCheck", new BrokerHealthCheck("jms", () -> {
                try (Connection connection = factory.createConnection()) {
                    connection.start();
                }
            }));
        } else {
            // the JMS routes are not built (their precondition is imagegen.jms.enabled), so nothing needs the component
            if (endpoints.stream().anyMatch(e -> e.startsWith("jms:"))) {
                throw new IllegalArgumentException("imagegen.events.endpoints names a jms: endpoint while JMS is off "
                        + "(imagegen.jms.enabled=false): switch JMS on or remove the endpoint");
            }
            LOG.info("JMS is off (imagegen.jms.enabled=false)");
        }
        Set<JobState> states = Settings.list(required(context, "imagegen.events.states")).stream()
                .map(MessagingConfiguration::parseState).collect(Collectors.toSet());
        context.getRegistry().bind("eventOutbox", new EventOutbox(dataSource, json, !endpoints.isEmpty(), states,
                Integer.parseInt(required(context, "imagegen.events.batch"))));
        context.getRegistry().bind("deadLetters", new DeadLetters(json));
        context.getRegistry().bind("jmsReplies", new JmsReplies());
        context.getRegistry().bind("kafkaOffsets", new KafkaOffsets());
        context.getRegistry().bind("messageSources", new MessageSources());
        SpringRabbitMQComponent rabbitmq = rabbitmq(context, closer);
        context.addComponent("spring-rabbitmq", rabbitmq);
        if (Boolean.parseBoolean(required(context, "imagegen.rabbitmq.enabled"))) {
            context.getRegistry().bind("rabbitmqBrokerHealthCheck", new BrokerHealthCheck("rabbitmq", () -> {
                if (!rabbitmq.getConnectionFactory().createConnection().isOpen()) {
                    throw new IllegalStateException("the connection is closed");
                }
            }));
        }
        if (!endpoints.isEmpty()) {
            LOG.info("job events go to {}", endpoints);
        }
    }

    /**
     * The spring-rabbitmq component on one cached connection to imagegen.rabbitmq.host. Nothing connects until a
     * RabbitMQ route starts or an event is sent to a spring-rabbitmq: endpoint.
     */
    private static SpringRabbitMQComponent rabbitmq(CamelContext context, Consumer<AutoCloseable> closer) {
        org.springframework.amqp.rabbit.connection.CachingConnectionFactory factory =
                new org.springframework.amqp.rabbit.connection.CachingConnectionFactory(
                        required(context, "imagegen.rabbitmq.host"),
                        Integer.parseInt(required(context, "imagegen.rabbitmq.port")));
        factory.setUsername(required(context, "imagegen.rabbitmq.username"));
        factory.setPassword(required(context, "imagegen.rabbitmq.password"));
        factory.setVirtualHost(required(context, "imagegen.rabbitmq.virtual-host"));
        closer.accept(factory::destroy);
        SpringRabbitMQComponent component = new SpringRabbitMQComponent();
        component.setConnectionFactory(factory);
        return component;
    }

    private static ConnectionFactory connectionFactory(CamelContext context, Path data,
                                                       Consumer<AutoCloseable> closer) throws Exception {
        String url = required(context, "imagegen.jms.broker-url");
        ConnectionFactory factory;
        if (url.isBlank()) {
            EmbeddedBroker broker = EmbeddedBroker.start(data.resolve("artemis"),
                    required(context, "imagegen.jms.host"), Integer.parseInt(required(context, "imagegen.jms.port")),
                    required(context, "imagegen.jms.dead-letter-queue"),
                    Integer.parseInt(required(context, "imagegen.jms.max-attempts")),
                    Durations.millis(required(context, "imagegen.jms.redelivery-delay")));
            closer.accept(broker);
            context.getRegistry().bind("jmsBroker", broker);
            if (broker.listening()) {
                LOG.info("embedded Artemis broker: tcp://{}:{} (journal in {})", required(context, "imagegen.jms.host"),
                        broker.port(), data.resolve("artemis"));
            } else {
                LOG.warn("embedded Artemis broker: could not listen on {}:{} (in use? set imagegen.jms.port); JMS "
                        + "requests can reach this bundle only from inside it", required(context, "imagegen.jms.host"),
                        broker.port());
            }
            factory = new ActiveMQConnectionFactory(broker.inVmUrl());
        } else {
            factory = externalConnectionFactory(required(context, "imagegen.jms.connection-factory"), url);
            String user = required(context, "imagegen.jms.user");
            if (!user.isBlank()) {
                UserCredentialsConnectionFactoryAdapter withCredentials = new UserCredentialsConnectionFactoryAdapter();
                withCredentials.setTargetConnectionFactory(factory);
                withCredentials.setUsername(user);
                withCredentials.setPassword(required(context, "imagegen.jms.password"));
                factory = withCredentials;
            }
            // without its query: a connection URL may carry credentials
            LOG.info("JMS broker: {}", url.contains("?") ? url.substring(0, url.indexOf('?')) : url);
        }
        if (factory instanceof AutoCloseable closeable) {
            closer.accept(closeable);
        }
        // one connection, cached sessions and producers: events and dead letters are sent without a new connection
        // each time. Consumers are not cached: the listener containers keep their own.
        CachingConnectionFactory caching = new CachingConnectionFactory(factory);
        caching.setCacheConsumers(false);
        caching.setSessionCacheSize(10);
        closer.accept(caching::destroy);
        return caching;
    }

    /**
     * The connection factory of an external broker: Artemis' own (its core protocol) unless {@code className} names
     * another JMS 2.0 ConnectionFactory with a public constructor taking the broker URL, such as Qpid JMS
     * (org.apache.qpid.jms.JmsConnectionFactory, AMQP 1.0) - its jar goes on the class path next to the bundle's.
     */
    static ConnectionFactory externalConnectionFactory(String className, String url) {
        if (className.isBlank()) {
            return new ActiveMQConnectionFactory(url);
        }
        try {
            return (ConnectionFactory) Class.forName(className).getConstructor(String.class).newInstance(url);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException("imagegen.jms.connection-factory: " + className + " is not a "
                    + "jakarta.jms.ConnectionFactory with a public constructor taking the broker URL on the class path", e);
        }
    }

    private static JobState parseState(String name) {
        try {
            return JobState.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("imagegen.events.states: '" + name + "' is not a job state; one of "
                    + Arrays.toString(JobState.values()), e);
        }
    }

}
