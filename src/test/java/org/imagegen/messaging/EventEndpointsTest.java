package org.imagegen.messaging;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A RabbitMQ event endpoint declares no queue unless it names one; other endpoints are left as written. */
class EventEndpointsTest {

    @Test
    void aRabbitMqExchangeWithoutQueuesDeclaresNone() {
        assertThat(new EventEndpoints(" spring-rabbitmq:imagegen.events?routingKey=job&autoDeclareProducer=true ,"
                + "jms:topic:imagegen.events,, kafka:imagegen.events,spring-rabbitmq:plain").uris()).containsExactly(
                "spring-rabbitmq:imagegen.events?routingKey=job&autoDeclareProducer=true"
                        + "&skipDeclareQueue=true&skipBindQueue=true",
                "jms:topic:imagegen.events",
                "kafka:imagegen.events",
                "spring-rabbitmq:plain?skipDeclareQueue=true&skipBindQueue=true");
    }

    @Test
    void whatTheOperatorWroteIsKept() {
        assertThat(EventEndpoints.publishOnly("spring-rabbitmq:ev?routingKey=job&autoDeclareProducer=true&queues=audit"))
                .isEqualTo("spring-rabbitmq:ev?routingKey=job&autoDeclareProducer=true&queues=audit");
        assertThat(EventEndpoints.publishOnly("spring-rabbitmq:ev?autoDeclareProducer=true&skipbindqueue=false"))
                .isEqualTo("spring-rabbitmq:ev?autoDeclareProducer=true&skipbindqueue=false");
        assertThat(EventEndpoints.publishOnly("spring-rabbitmq:ev?")).isEqualTo(
                "spring-rabbitmq:ev?skipDeclareQueue=true&skipBindQueue=true");
        assertThat(new EventEndpoints("").uris()).isEmpty();
    }
}
