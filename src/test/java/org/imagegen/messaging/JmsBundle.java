package org.imagegen.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import org.imagegen.support.Closing;
import org.imagegen.support.RunningBundle;

/**
 * A bundle a JMS test started once for its class, with a client of the bundle's embedded broker that talks to it over
 * TCP as a user's system would. Closing it closes the client, then the bundle.
 */
record JmsBundle(RunningBundle bundle, JmsClient client) implements AutoCloseable {

    /** How long a JMS test waits for a job to end or a message to arrive. */
    static final Duration WAIT = Duration.ofSeconds(20);

    static JmsBundle start(String... settings) throws Exception {
        RunningBundle bundle = RunningBundle.start(settings);
        try {
            return new JmsBundle(bundle, new JmsClient(bundle.bean("jmsBroker", EmbeddedBroker.class).port()));
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    /** {@link JmsClient#send}: a text message; its JMSMessageID. */
    String send(String queue, String body, Map<String, String> properties) throws JMSException {
        return client.send(queue, body, properties);
    }

    /** {@link JmsClient#sendBytes}: a bytes message (a body that need not be text); its JMSMessageID. */
    String sendBytes(String queue, byte[] body) throws JMSException {
        return client.sendBytes(queue, body);
    }

    /** {@link JmsClient#collect}: every message arriving on a queue (or a topic, as "topic:NAME") from now on. */
    List<Message> collect(String queue) {
        return client.collect(queue);
    }

    @Override
    public void close() throws Exception {
        Closing.all(client, bundle);
    }
}
