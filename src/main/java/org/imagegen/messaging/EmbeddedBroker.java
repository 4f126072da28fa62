package org.imagegen.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * The ActiveMQ Artemis broker the bundle starts in its own JVM when no external broker is configured: a persistent
 * journal under the data folder (a message sent survives a restart of the bundle), an in-VM acceptor for the
 * bundle itself and a TCP acceptor on one local address so other programs can send requests. Messages that fail
 * {@code maxDeliveryAttempts} times move to the dead-letter queue.
 */
public final class EmbeddedBroker implements AutoCloseable {

    /** In-VM server ids are per JVM; tests may run more than one bundle in one JVM. */
    private static final AtomicInteger IN_VM_IDS = new AtomicInteger();

    /** Where messages whose time-to-live ran out go (a sender's choice; the bundle sets none). */
    private static final String EXPIRY_QUEUE = "ExpiryQueue";

    private final EmbeddedActiveMQ server;
    private final int port;
    private final int inVmId;
    private final boolean listening;

    private EmbeddedBroker(EmbeddedActiveMQ server, int port, int inVmId, boolean listening) {
        this.server = server;
        this.port = port;
        this.inVmId = inVmId;
        this.listening = listening;
    }

    /**
     * Starts the broker. {@code port} 0 picks a free port (tests, several bundles on one host); the port in use is
     * {@link #port()}.
     */
    public static EmbeddedBroker start(Path dir, String host, int port, String deadLetterQueue,
                                       int maxDeliveryAttempts, long redeliveryDelayMs) throws Exception {
        int actualPort = port == 0 ? freePort(host) : port;
        // Artemis logs a failed bind and starts anyway, and its acceptor still reports itself started: look first
        boolean portFree = port == 0 || canBind(host, port);
        int inVmId = IN_VM_IDS.incrementAndGet();
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName("imagegen");
        config.setPersistenceEnabled(true);
        // the acceptor listens on a local address only (imagegen.jms.host); see docs/queues.md before widening it
        config.setSecurityEnabled(false);
        config.setJournalType(JournalType.NIO);
        config.setJournalDirectory(dir.resolve("journal").toString());
        config.setBindingsDirectory(dir.resolve("bindings").toString());
        config.setPagingDirectory(dir.resolve("paging").toString());
        config.setLargeMessagesDirectory(dir.resolve("large-messages").toString());
        config.setNodeManagerLockDirectory(dir.toString());
        config.setJournalFileSize(1024 * 1024);
        config.setJournalMinFiles(2);
        config.addAcceptorConfiguration("in-vm", "vm://" + inVmId);
        config.addAcceptorConfiguration("tcp", "tcp://" + host + ":" + actualPort + "?protocols=CORE");
        AddressSettings everyAddress = new AddressSettings()
                .setDeadLetterAddress(SimpleString.of(deadLetterQueue))
                .setExpiryAddress(SimpleString.of(EXPIRY_QUEUE))
                .setMaxDeliveryAttempts(maxDeliveryAttempts)
                .setRedeliveryDelay(redeliveryDelayMs);
        config.addAddressSetting("#", everyAddress);
        config.addQueueConfiguration(QueueConfiguration.of(deadLetterQueue).setRoutingType(RoutingType.ANYCAST));
        config.addQueueConfiguration(QueueConfiguration.of(EXPIRY_QUEUE).setRoutingType(RoutingType.ANYCAST));
        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(config);
        server.start();
        return new EmbeddedBroker(server, actualPort, inVmId, portFree);
    }

    /** The TCP port other programs send to. */
    public int port() {
        return port;
    }

    /**
     * Whether the TCP acceptor is listening. Artemis starts without it when its port is taken (another bundle on
     * the same host): the bundle still reads its queue in-VM, but no other program can reach the broker.
     */
    public boolean listening() {
        return listening;
    }

    /** The URL the bundle itself connects with (in the same JVM, no socket). */
    public String inVmUrl() {
        return "vm://" + inVmId;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static boolean canBind(String host, int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(host))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }
}
