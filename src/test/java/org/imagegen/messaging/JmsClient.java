package org.imagegen.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.jms.BytesMessage;
import jakarta.jms.Destination;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import static org.awaitility.Awaitility.await;

/** A program outside the bundle that talks to its broker over TCP, as a user's system would. */
final class JmsClient implements AutoCloseable {

    private final ActiveMQConnectionFactory factory;
    private final JMSContext context;

    JmsClient(int port) {
        factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port);
        context = factory.createContext();
    }

    /** Sends a text message; returns its JMSMessageID. */
    String send(String queue, String body, Map<String, String> properties) throws JMSException {
        TextMessage message = context.createTextMessage(body);
        for (Map.Entry<String, String> p : properties.entrySet()) {
            if (p.getKey().equals("JMSCorrelationID")) {
                message.setJMSCorrelationID(p.getValue());
            } else if (p.getKey().equals("JMSReplyTo")) {
                message.setJMSReplyTo(destination(p.getValue()));
            } else {
                message.setStringProperty(p.getKey(), p.getValue());
            }
        }
        context.createProducer().send(context.createQueue(queue), message);
        return message.getJMSMessageID();
    }

    /** Sends a bytes message (a body that need not be text); returns its JMSMessageID. */
    String sendBytes(String queue, byte[] body) throws JMSException {
        BytesMessage message = context.createBytesMessage();
        message.writeBytes(body);
        context.createProducer().send(context.createQueue(queue), message);
        return message.getJMSMessageID();
    }

    /** A queue by its name, or a topic as "topic:NAME". */
    private Destination destination(String name) {
        return name.startsWith("topic:") ? context.createTopic(name.substring(6)) : context.createQueue(name);
    }

    /** Collects every message arriving on a queue (or a topic, as "topic:NAME") from now on. */
    List<Message> collect(String queue) {
        List<Message> received = new CopyOnWriteArrayList<>();
        JMSContext listening = context.createContext(JMSContext.AUTO_ACKNOWLEDGE);
        JMSConsumer consumer = listening.createConsumer(destination(queue));
        consumer.setMessageListener(received::add);
        return received;
    }

    /** Waits for the first message on {@code received} that matches. */
    static Message awaitMessage(List<Message> received, Duration atMost, java.util.function.Predicate<Message> match) {
        return await().atMost(atMost).until(() -> received.stream().filter(match).findFirst(),
                java.util.Optional::isPresent).get();
    }

    static String body(Message message) {
        try {
            return ((TextMessage) message).getText();
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    static String property(Message message, String name) {
        try {
            return message.getStringProperty(name);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        context.close();
        factory.close();
    }
}
