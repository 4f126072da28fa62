package org.imagegen.job;

/**
 * Where a request asked for its final result to be sent (a JMS request's JMSReplyTo) and the correlation id the
 * answer must carry. {@code destination} is "queue:NAME" or "topic:NAME" on the bundle's own JMS broker.
 */
public record ReplyAddress(String destination, String correlationId) {

    /** The queue's or topic's name, without its "queue:" or "topic:" kind. */
    public String name() {
        return destination == null ? null : destination.substring(destination.indexOf(':') + 1);
    }

    public boolean topic() {
        return destination != null && destination.startsWith("topic:");
    }
}
