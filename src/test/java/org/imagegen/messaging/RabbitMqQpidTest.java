package org.imagegen.messaging;

import java.nio.file.Path;

/** The RabbitMQ intake against an embedded Qpid Broker-J (AMQP 0-9-1, in memory): part of the default suite. */
class RabbitMqQpidTest extends RabbitMqIntakeContract {

    RabbitMqQpidTest() {
        super("rabbitmq-qpid", () -> RabbitBroker.qpid(Path.of("target", "qpid-work")), false);
    }
}
