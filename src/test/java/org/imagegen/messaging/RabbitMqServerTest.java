package org.imagegen.messaging;

import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The RabbitMQ intake against a real RabbitMQ server at 127.0.0.1:5672 (guest/guest). Runs with
 * -Dimagegen.test.rabbitmq=true, which .ci/run passes when the server is installed (starting it if it is stopped).
 */
@EnabledIfSystemProperty(named = "imagegen.test.rabbitmq", matches = "true")
class RabbitMqServerTest extends RabbitMqIntakeContract {

    RabbitMqServerTest() {
        super("rabbitmq-server", RabbitBroker::server, true);
    }
}
