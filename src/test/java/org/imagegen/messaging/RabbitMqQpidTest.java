package org.imagegen.messaging;

import java.nio.file.Path;

import org.imagegen.support.QpidBroker;

/** The RabbitMQ intake against an embedded Qpid Broker-J (AMQP 0-9-1, in memory): part of the default suite. */
class RabbitMqQpidTest extends RabbitMqIntakeContract {

    private QpidBroker broker;

    @Override
    protected int startBroker() throws Exception {
        broker = new QpidBroker(Path.of("target", "qpid-work"));
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
        return "rabbitmq-qpid";
    }

    @Override
    protected boolean bundleDeclares() {
        return false;
    }
}
