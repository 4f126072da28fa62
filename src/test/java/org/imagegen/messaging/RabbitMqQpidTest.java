package org.imagegen.messaging;

import java.nio.file.Path;

/** The RabbitMQ intake against an embedded Qpid Broker-J (AMQP 0-9-1, in memory): part of the default suite. */
class RabbitMqQpidTest extends RabbitMqIntakeContract {

    @Override
    protected RabbitBroker startBroker() throws Exception {
        return RabbitBroker.qpid(Path.of("target", "qpid-work"));
    }

    @Override
    protected String name() {
        return "rabbitmq-qpid";
    }

    @Override
    protected boolean bundleDeclares() {
        return false;
    }
}
