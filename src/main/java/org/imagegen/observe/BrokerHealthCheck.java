package org.imagegen.observe;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness: the message broker a queue intake reads from accepts a connection. Camel has consumer health checks for
 * Kafka but none for JMS or RabbitMQ, so the bundle opens (and closes) a connection itself.
 */
public class BrokerHealthCheck extends ReadinessCheck {

    /** Opens and closes one connection to the broker, or throws. */
    @FunctionalInterface
    public interface Probe {
        void connect() throws Exception;
    }

    private final Probe probe;

    public BrokerHealthCheck(String broker, Probe probe) {
        super("broker-" + broker);
        this.probe = probe;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            probe.connect();
            builder.up();
        } catch (Exception e) {
            builder.message("cannot connect to the broker: " + e.getMessage()).error(e).down();
        }
    }
}
