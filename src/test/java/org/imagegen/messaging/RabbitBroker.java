package org.imagegen.messaging;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.ConnectionFactory;
import org.imagegen.support.QpidBroker;

/**
 * The AMQP 0-9-1 broker a RabbitMQ test runs against: an embedded Qpid Broker-J of the test's own (in memory, part
 * of the default suite), or the real RabbitMQ server at 127.0.0.1:5672 (guest/guest), which is not the test's to
 * stop. Each lists an exchange's bindings its own way, as AMQP 0-9-1 has no command for that.
 */
interface RabbitBroker extends AutoCloseable {

    /** How a test gets its broker. */
    interface Start {
        RabbitBroker broker() throws Exception;
    }

    int port();

    String virtualHost();

    /** The names of the queues bound to the exchange, as the broker itself lists them. */
    List<String> queuesBoundTo(String exchange) throws Exception;

    /** Stops the broker if the test owns it. */
    @Override
    void close();

    /** A client's connections to the broker, as guest. */
    default ConnectionFactory connections() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(port());
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setVirtualHost(virtualHost());
        return factory;
    }

    /** An embedded Qpid Broker-J working in {@code workDir}; its broker model lists the bindings. */
    static RabbitBroker qpid(Path workDir) throws Exception {
        QpidBroker broker = new QpidBroker(workDir);
        return new RabbitBroker() {
            @Override
            public int port() {
                return broker.port();
            }

            @Override
            public String virtualHost() {
                return "default";
            }

            @Override
            public List<String> queuesBoundTo(String exchange) {
                return broker.queuesBoundTo(exchange);
            }

            @Override
            public void close() {
                broker.close();
            }
        };
    }

    /**
     * The real server; its own {@code rabbitmqctl list_bindings} lists the bindings (its management plugin, which
     * would answer over HTTP, need not be enabled; .ci/run already uses rabbitmqctl to start and wait for the server).
     */
    static RabbitBroker server() {
        return new RabbitBroker() {
            @Override
            public int port() {
                return 5672;
            }

            @Override
            public String virtualHost() {
                return "/";
            }

            @Override
            public List<String> queuesBoundTo(String exchange) throws Exception {
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

            @Override
            public void close() {
                // the server is not ours
            }
        };
    }
}
