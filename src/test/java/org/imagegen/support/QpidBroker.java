package org.imagegen.support;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.Binding;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.Exchange;
import org.apache.qpid.server.model.SystemConfig;
import org.apache.qpid.server.model.VirtualHostNode;

/**
 * An AMQP 0-9-1 broker in the test JVM: Qpid Broker-J with an in-memory store, on a free loopback port, user
 * guest/guest (src/test/resources/qpid-broker.json). Speaks the protocol RabbitMQ clients use.
 */
public final class QpidBroker implements AutoCloseable {

    private SystemConfig<?> system;
    private final SystemLauncher launcher = new SystemLauncher(
            new SystemLauncherListener.DefaultSystemLauncherListener() {
                @Override
                public void onContainerResolve(SystemConfig<?> resolved) {
                    system = resolved;
                }
            });
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

    /** The queues bound to an exchange of the default virtual host, as the broker's own model lists them. */
    public List<String> queuesBoundTo(String exchange) {
        Broker<?> broker = system.getContainer(Broker.class);
        for (VirtualHostNode<?> node : broker.getChildren(VirtualHostNode.class)) {
            Exchange<?> found = node.getVirtualHost() == null ? null
                    : node.getVirtualHost().getChildByName(Exchange.class, exchange);
            if (found != null) {
                return found.getBindings().stream().map(Binding::getDestination).toList();
            }
        }
        throw new IllegalStateException("no exchange " + exchange);
    }

    @Override
    public void close() {
        launcher.shutdown();
    }
}
