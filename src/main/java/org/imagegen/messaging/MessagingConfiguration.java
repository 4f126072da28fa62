package org.imagegen.messaging;

import java.util.Arrays;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.PropertyInject;
import org.apache.camel.health.HealthCheck;
import org.imagegen.job.JobState;
import org.imagegen.spend.Conversions;
import org.imagegen.observe.BrokerHealthCheck;
import org.imagegen.support.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * Message queues: the pending job events that routes/publish-events.camel.yaml drains and the small beans the queue
 * intake routes use, bound by name; the RabbitMQ connection ({@code rabbitmqConnectionFactory}, handed to the
 * spring-rabbitmq component by {@code camel.component.spring-rabbitmq.connection-factory} in config/). The {@code jms}
 * component is {@link JmsConfiguration}'s. Applied by BundleConfiguration once the job store's data source is bound.
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
    @BeanInject("spendConversions")
    private Conversions conversions;

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

    @BindToRegistry("pendingJobEvents")
    public PendingJobEvents pendingJobEvents() {
        Set<JobState> states = Settings.list(eventStates).stream()
                .map(MessagingConfiguration::parseState).collect(Collectors.toSet());
        return new PendingJobEvents(dataSource, json, !Settings.list(eventEndpointsSetting).isEmpty(), states,
                eventBatch, conversions);
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

    private static JobState parseState(String name) {
        try {
            return JobState.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("imagegen.events.states: '" + name + "' is not a job state; one of "
                    + Arrays.toString(JobState.values()), e);
        }
    }

}
