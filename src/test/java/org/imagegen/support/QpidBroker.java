package org.imagegen.support;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.qpid.server.SystemLauncher;

/**
 * An AMQP 0-9-1 broker in the test JVM: Qpid Broker-J with an in-memory store, on a free loopback port, user
 * guest/guest (src/test/resources/qpid-broker.json). Speaks the protocol RabbitMQ clients use.
 */
public final class QpidBroker implements AutoCloseable {

    private final SystemLauncher launcher = new SystemLauncher();
    private final int port;

    public QpidBroker(Path workDir) throws Exception {
        port = FreePorts.loopback();
        Map<String, String> context = new HashMap<>();
        context.put("qpid.amqp_port", String.valueOf(port));
        context.put("qpid.work_dir", workDir.toAbsolutePath().toString());
        context.put("qpid.broker.defaultPreferenceStoreAttributes", "{\"type\": \"Noop\"}");
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("type", "Memory");
        attributes.put("initialConfigurationLocation",
                QpidBroker.class.getClassLoader().getResource("qpid-broker.json").toExternalForm());
        attributes.put("startupLoggedToSystemOut", false);
        attributes.put("context", context);
        launcher.startup(attributes);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        launcher.shutdown();
    }
}
