package org.imagegen.messaging;

import java.nio.file.Path;

/** Job events to an exchange of an embedded Qpid Broker-J (AMQP 0-9-1, in memory): part of the default suite. */
class RabbitMqEventsQpidTest extends RabbitMqEventsContract {

    RabbitMqEventsQpidTest() {
        super("rabbitmq-events-qpid", () -> RabbitBroker.qpid(Path.of("target", "qpid-work-events")));
    }
}
