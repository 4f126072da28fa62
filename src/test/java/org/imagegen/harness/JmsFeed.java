package org.imagegen.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import static org.awaitility.Awaitility.await;

/**
 * A system outside the bundle that sends request batches to a JMS queue over TCP, as a user's would, on its own
 * thread (so a harness can kill the bundle while messages are in the air). A send the broker confirmed is persisted
 * (Artemis' client blocks on a durable send until the broker has it). A send that fails - the broker is down, as the
 * bundle's embedded broker is while the bundle is killed - is made again, the same body with the same request ids,
 * until the broker takes it; if the broker had taken the first one after all, the bundle reads the batch twice and
 * the job keys keep it one job each.
 */
final class JmsFeed implements AutoCloseable {

    private static final String STOP = "\u0000stop";

    private final ActiveMQConnectionFactory factory;
    private final String queue;
    private final BlockingQueue<String> pending = new LinkedBlockingQueue<>();
    private final List<String> messageIds = new CopyOnWriteArrayList<>();
    private final AtomicInteger offered = new AtomicInteger();
    private final AtomicInteger resends = new AtomicInteger();
    private final Thread sender;
    private volatile boolean closed;
    private JMSContext context;

    /** {@code port}: the broker's TCP acceptor on 127.0.0.1. */
    JmsFeed(int port, String queue) {
        // a broker that went away is noticed at once (the socket closes) or after the call timeout, never waited for
        this.factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port + "?callTimeout=5000&reconnectAttempts=0");
        this.queue = queue;
        this.sender = new Thread(this::sendAll, "jms-feed");
        sender.setDaemon(true);
        sender.start();
    }

    /** Queues one message to be sent, after those offered before. */
    void offer(String body) {
        offered.incrementAndGet();
        pending.add(body);
    }

    /** Waits until every message offered so far was taken by the broker. */
    void awaitSent(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> messageIds.size() == offered.get());
    }

    /** The JMSMessageIDs of the messages the broker took, in order. */
    List<String> messageIds() {
        return List.copyOf(messageIds);
    }

    /** The messages waiting on a queue of the broker (browsed, not taken). */
    List<Message> browse(String name) throws JMSException {
        try (JMSContext browsing = factory.createContext();
             QueueBrowser browser = browsing.createBrowser(browsing.createQueue(name))) {
            List<Message> messages = new ArrayList<>();
            for (Object message : Collections.list(browser.getEnumeration())) {
                messages.add((Message) message);
            }
            return messages;
        }
    }

    /** Sends that failed and were made again. */
    int resends() {
        return resends.get();
    }

    private void sendAll() {
        try {
            for (String body = pending.take(); !body.equals(STOP); body = pending.take()) {
                while (!closed && !send(body)) {
                    resends.incrementAndGet();
                    TimeUnit.MILLISECONDS.sleep(200); // the broker is down: a producer's back-off before it tries again
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            disconnect();
        }
    }

    private boolean send(String body) {
        try {
            if (context == null) {
                context = factory.createContext();
            }
            TextMessage message = context.createTextMessage(body);
            context.createProducer().send(context.createQueue(queue), message);
            messageIds.add(message.getJMSMessageID());
            return true;
        } catch (JMSRuntimeException | JMSException e) {
            disconnect();
            return false;
        }
    }

    private void disconnect() {
        if (context != null) {
            try {
                context.close();
            } catch (JMSRuntimeException e) {
                // the connection is already gone
            }
            context = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        pending.add(STOP);
        sender.join(10_000);
        factory.close();
    }
}
