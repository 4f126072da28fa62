package org.imagegen.console;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.imagegen.delivery.Outbox;
import org.imagegen.delivery.SinkLedger;
import org.imagegen.delivery.Sinks;
import org.imagegen.job.JobStore;

import static org.imagegen.support.Settings.required;

/**
 * Wires the management port: reads imagegen.management.*, and starts and stops the {@link ManagementServer}
 * with the Camel context. Bound as "managementServer" so tests can ask for its port.
 */
public final class ConsoleConfiguration {

    public static final String BEAN = "managementServer";
    /** A login session ends after this long without a request. */
    private static final long SESSION_TIMEOUT_SECONDS = 30 * 60;

    private ConsoleConfiguration() {
    }

    public static void configure(CamelContext context, JobStore store, SinkLedger ledger, Sinks sinks, Outbox outbox,
                                 Path data) throws Exception {
        if (!Boolean.parseBoolean(required(context, "imagegen.management.enabled"))) {
            return;
        }
        String portText = required(context, "imagegen.management.port");
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("imagegen.management.port: '" + portText + "' is not a port number", e);
        }
        String war = required(context, "imagegen.management.hawtio-war");
        ManagementSettings settings = new ManagementSettings(required(context, "imagegen.management.bind"), port,
                war.isEmpty() ? defaultWar() : Path.of(war), data.resolve("console-work"), SESSION_TIMEOUT_SECONDS);
        ManagementLogin login = ManagementLogin.resolve(required(context, "imagegen.management.user"),
                required(context, "imagegen.management.password"), data, System.out);
        ObjectMapper json = new ObjectMapper();
        ManagementServer server = new ManagementServer(settings, login, new JobsView(store, ledger, sinks, outbox, json),
                json);
        context.getRegistry().bind(BEAN, server);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStart() throws Exception {
                server.start();
            }

            @Override
            protected void doStop() throws Exception {
                server.close();
            }
        }, true, false);
    }

    /**
     * hawtio-default.war beside the bundle's jar (the distribution's lib/), else lib/hawtio-default.war beside it
     * (target/lib for target/imagegen-bundle.jar or target/classes in the build).
     */
    private static Path defaultWar() throws URISyntaxException {
        Path code = Path.of(ConsoleConfiguration.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path folder = code.toAbsolutePath().getParent();
        Path beside = folder.resolve("hawtio-default.war");
        return Files.isRegularFile(beside) ? beside : folder.resolve("lib").resolve("hawtio-default.war");
    }

}
