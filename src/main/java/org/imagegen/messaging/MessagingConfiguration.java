package org.imagegen.messaging;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.health.HealthCheck;
import org.imagegen.job.JobState;
import org.imagegen.observe.BrokerHealthCheck;
import org.imagegen.support.Durations;
import org.imagegen.support.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.jms.connection.UserCredentialsConnectionFactoryAdapter;

import static org.imagegen.support.Settings.required;

/**
 * Message queues: the event outbox that routes/publish-events.camel.yaml drains and the small beans the queue intake
 * routes use, bound by name; the RabbitMQ connection ({@code rabbitmqConnectionFactory}, handed to the spring-rabbitmq
 * component by {@code camel.component.spring-rabbitmq.connection-factory} in config/); and the {@code jms} component,
 * to the embedded Artemis broker (started here) or to an external broker by URL. Applied by BundleConfiguration once
 * the job store's data source is bound.
 */
public final class MessagingConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(MessagingConfiguration.class);

    @PropertyInject("imagegen.events.endpoints")
    private String eventEndpointsSetting;
    @PropertyInject("imagegen.events.states")
    private String eventStates;
    @PropertyInject("imagegen.events.batch")
    private int eventBatch;
    @PropertyInject("imagegen.jms.enabled")
    private boolean jmsEnabled;
    @PropertyInject("imagegen.rabbitmq.enabled")
    private boolean rabbitmqEnabled;
    @PropertyInject("imagegen.rabbitmq.host")
    private String rabbitmqHost;
    @PropertyInject("imagegen.rabbitmq.port")
    private int rabbitmqPort;
    @PropertyInject("imagegen.rabbitmq.username")
    private String rabbitmqUser;
    @PropertyInject(value = "imagegen.rabbitmq.password", defaultValue = "")
    private String rabbitmqPassword;
    @PropertyInject("imagegen.rabbitmq.virtual-host")
    private String rabbitmqVirtualHost;
    @BeanInject("jobStoreDataSource")
    private DataSource dataSource;

    private final ObjectMapper json = new ObjectMapper();
    private final Consumer<AutoCloseable> closer;

    /** {@code closer}: closes what is handed to it after the routes stop. */
    public MessagingConfiguration(Consumer<AutoCloseable> closer) {
        this.closer = closer;
    }

    /** The endpoints routes/publish-events.camel.yaml sends to (a RabbitMQ exchange declares no queue unless named). */
    @BindToRegistry("eventEndpoints")
    public EventEndpoints eventEndpoints() {
        EventEndpoints endpoints = new EventEndpoints(eventEndpointsSetting);
        if (!jmsEnabled && endpoints.uris().stream().anyMatch(e -> e.startsWith("jms:"))) {
            // the JMS routes are not built (their precondition is imagegen.jms.enabled), so nothing makes the component
            throw new IllegalArgumentException("imagegen.events.endpoints names a jms: endpoint while JMS is off "
                    + "(imagegen.jms.enabled=false): switch JMS on or remove the endpoint");
        }
        if (!endpoints.uris().isEmpty()) {
            LOG.info("job events go to {}", endpoints.uris());
        }
        return endpoints;
    }

    @BindToRegistry("eventOutbox")
    public EventOutbox eventOutbox() {
        Set<JobState> states = Settings.list(eventStates).stream()
                .map(MessagingConfiguration::parseState).collect(Collectors.toSet());
        return new EventOutbox(dataSource, json, !Settings.list(eventEndpointsSetting).isEmpty(), states, eventBatch);
    }

    @BindToRegistry("deadLetters")
    public DeadLetters deadLetters() {
        return new DeadLetters(json);
    }

    @BindToRegistry("jmsReplies")
    public JmsReplies jmsReplies() {
        return new JmsReplies();
    }

    @BindToRegistry("kafkaOffsets")
    public KafkaOffsets kafkaOffsets() {
        return new KafkaOffsets();
    }

    @BindToRegistry("messageSources")
    public MessageSources messageSources() {
        return new MessageSources();
    }

    /**
     * One cached connection to imagegen.rabbitmq.host for the spring-rabbitmq component. Nothing connects until a
     * RabbitMQ route starts or an event is sent to a spring-rabbitmq: endpoint.
     */
    @BindToRegistry("rabbitmqConnectionFactory")
    public CachingConnectionFactory rabbitmqConnectionFactory() {
        CachingConnectionFactory factory = new CachingConnectionFactory(rabbitmqHost.strip(), rabbitmqPort);
        factory.setUsername(rabbitmqUser.strip());
        factory.setPassword(rabbitmqPassword.strip());
        factory.setVirtualHost(rabbitmqVirtualHost.strip());
        closer.accept(factory::destroy);
        return factory;
    }

    /** Readiness asks the RabbitMQ broker only when its intake is on. */
    @BindToRegistry("rabbitmqBrokerHealthCheck")
    public HealthCheck rabbitmqBrokerHealthCheck(@BeanInject("rabbitmqConnectionFactory") CachingConnectionFactory factory) {
        if (!rabbitmqEnabled) {
            return null;
        }
        return new BrokerHealthCheck("rabbitmq", () -> {
            if (!factory.createConnection().isOpen()) {
                throw new IllegalStateException("the connection is closed");
            }
        });
    }

    /**
     * The jms component, when imagegen.jms.enabled. Kept explicit rather than set through
     * camel.component.jms.connection-factory: the component exists only when JMS is on, and the embedded broker must
     * be running before its connection factory is made.
     */
    public void jms(CamelContext context) throws Exception {
        if (!jmsEnabled) {
            LOG.info("JMS is off (imagegen.jms.enabled=false)");
            return;
        }
        ConnectionFactory factory = connectionFactory(context, Path.of(required(context, "imagegen.data")), closer);
        JmsComponent jms = new JmsComponent();
        jms.setConnectionFactory(factory);
        context.addComponent("jms", jms);
        context.getRegistry().bind("jmsBrokerHealthCheck", new BrokerHealthCheck("jms", () -> {
            try (Connection connection = factory.createConnection()) {
                connection.start();
            }
        }));
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
        org.springframework.jms.connection.CachingConnectionFactory caching =
                new org.springframework.jms.connection.CachingConnectionFactory(factory);
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
