package org.imagegen.messaging;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Job events to an exchange of the real RabbitMQ server at 127.0.0.1:5672 (guest/guest), with
 * -Dimagegen.test.rabbitmq=true as the intake's test. The exchange's bindings are listed by the server's own
 * {@code rabbitmqctl list_bindings} (its management plugin, which would answer over HTTP, need not be enabled; .ci/run
 * already uses rabbitmqctl to start and wait for the server).
 */
@EnabledIfSystemProperty(named = "imagegen.test.rabbitmq", matches = "true")
class RabbitMqEventsServerTest extends RabbitMqEventsContract {

    @Override
    protected int startBroker() {
        return 5672;
    }

    @Override
    protected String virtualHost() {
        return "/";
    }

    @Override
    protected void stopBroker() {
        // the server is not ours
    }

    @Override
    protected String name() {
        return "rabbitmq-events-server";
    }

    @Override
    protected List<String> queuesBoundTo(String exchange) throws Exception {
        Process rabbitmqctl = new ProcessBuilder("rabbitmqctl", "-q", "list_bindings", "-p", virtualHost(),
                "--no-table-headers", "source_name", "destination_name", "destination_kind")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String listing = new String(rabbitmqctl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!rabbitmqctl.waitFor(60, TimeUnit.SECONDS) || rabbitmqctl.exitValue() != 0) {
            throw new IllegalStateException("rabbitmqctl list_bindings failed: " + listing);
        }
        return listing.lines().map(line -> line.split("\t")).filter(f -> f.length == 3)
                .filter(f -> f[0].equals(exchange) && f[2].equals("queue")).map(f -> f[1]).toList();
    }
}
