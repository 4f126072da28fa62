package org.imagegen.messaging;

import java.nio.file.Path;
import java.util.List;

import org.imagegen.support.QpidBroker;

/** Job events to an exchange of an embedded Qpid Broker-J (AMQP 0-9-1, in memory): part of the default suite. */
class RabbitMqEventsQpidTest extends RabbitMqEventsContract {

    private QpidBroker broker;

    @Override
    protected int startBroker() throws Exception {
        broker = new QpidBroker(Path.of("target", "qpid-work-events"));
        return broker.port();
    }

    @Override
    protected String virtualHost() {
        return "default";
    }

    @Override
    protected void stopBroker() {
        broker.close();
    }

    @Override
    protected String name() {
        return "rabbitmq-events-qpid";
    }

    @Override
    protected List<String> queuesBoundTo(String exchange) {
        return broker.queuesBoundTo(exchange);
    }
}
