package org.imagegen.messaging;

import java.nio.file.Path;
import java.util.function.Consumer;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.jms.JmsComponent;
import org.imagegen.observe.BrokerHealthCheck;
import org.imagegen.support.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.connection.UserCredentialsConnectionFactoryAdapter;

/**
 * The {@code jms} component from imagegen.jms.*: on the embedded Artemis broker (started here, journal under the data
 * folder) or on an external broker by URL; with {@code jmsBrokerHealthCheck} for readiness.
 */
public final class JmsConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(JmsConfiguration.class);

    @PropertyInject("imagegen.jms.enabled")
    private boolean enabled;
    @PropertyInject(value = "imagegen.jms.broker-url", defaultValue = "")
    private String brokerUrl;
    @PropertyInject(value = "imagegen.jms.connection-factory", defaultValue = "")
    private String connectionFactoryClass;
    @PropertyInject(value = "imagegen.jms.user", defaultValue = "")
    private String user;
    @PropertyInject(value = "imagegen.jms.password", defaultValue = "")
    private String password;
    @PropertyInject("imagegen.jms.host")
    private String host;
    @PropertyInject("imagegen.jms.port")
    private int port;
    @PropertyInject("imagegen.jms.dead-letter-queue")
    private String deadLetterQueue;
    @PropertyInject("imagegen.jms.max-attempts")
    private int maxAttempts;
    @PropertyInject("imagegen.jms.redelivery-delay")
    private String redeliveryDelay;
    @PropertyInject("imagegen.data")
    private String dataFolder;

    private final Consumer<AutoCloseable> closer;

    /** {@code closer}: closes the broker and the connections after the routes stop. */
    public JmsConfiguration(Consumer<AutoCloseable> closer) {
        this.closer = closer;
    }

    /**
     * The jms component, when imagegen.jms.enabled. Kept explicit rather than set through
     * camel.component.jms.connection-factory: the component exists only when JMS is on, and the embedded broker must
     * be running before its connection factory is made.
     */
    public void addTo(CamelContext context) throws Exception {
        if (!enabled) {
            LOG.info("JMS is off (imagegen.jms.enabled=false)");
            return;
        }
        ConnectionFactory factory = connectionFactory(context, Path.of(dataFolder.strip()));
        JmsComponent jms = new JmsComponent();
        jms.setConnectionFactory(factory);
        context.addComponent("jms", jms);
        context.getRegistry().bind("jmsBrokerHealthCheck", new BrokerHealthCheck("jms", () -> {
            try (Connection connection = factory.createConnection()) {
                connection.start();
            }
        }));
    }

    private ConnectionFactory connectionFactory(CamelContext context, Path data) throws Exception {
        String url = brokerUrl.strip();
        ConnectionFactory factory;
        if (url.isBlank()) {
            EmbeddedBroker broker = EmbeddedBroker.start(data.resolve("artemis"), host.strip(), port,
                    deadLetterQueue.strip(), maxAttempts, Durations.millis(redeliveryDelay));
            closer.accept(broker);
            context.getRegistry().bind("jmsBroker", broker);
            if (broker.listening()) {
                LOG.info("embedded Artemis broker: tcp://{}:{} (journal in {})", host.strip(),
                        broker.port(), data.resolve("artemis"));
            } else {
                LOG.warn("embedded Artemis broker: could not listen on {}:{} (in use? set imagegen.jms.port); JMS "
                        + "requests can reach this bundle only from inside it", host.strip(),
                        broker.port());
            }
            factory = new ActiveMQConnectionFactory(broker.inVmUrl());
        } else {
            factory = externalConnectionFactory(connectionFactoryClass.strip(), url);
            String user = this.user.strip();
            if (!user.isBlank()) {
                UserCredentialsConnectionFactoryAdapter withCredentials = new UserCredentialsConnectionFactoryAdapter();
                withCredentials.setTargetConnectionFactory(factory);
                withCredentials.setUsername(user);
                withCredentials.setPassword(password.strip());
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
}
