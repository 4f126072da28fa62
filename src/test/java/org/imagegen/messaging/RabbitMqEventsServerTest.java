package org.imagegen.messaging;

import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Job events to an exchange of the real RabbitMQ server at 127.0.0.1:5672 (guest/guest), with
 * -Dimagegen.test.rabbitmq=true as the intake's test; the server lists the exchange's bindings with rabbitmqctl.
 */
@EnabledIfSystemProperty(named = "imagegen.test.rabbitmq", matches = "true")
class RabbitMqEventsServerTest extends RabbitMqEventsContract {

    RabbitMqEventsServerTest() {
        super("rabbitmq-events-server", RabbitBroker::server);
    }
}
