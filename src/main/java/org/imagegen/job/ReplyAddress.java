package org.imagegen.job;

/**
 * Where a request asked for its final result to be sent (a JMS request's JMSReplyTo) and the correlation id the
 * answer must carry. {@code destination} is "queue:NAME" or "topic:NAME" on the bundle's own JMS broker.
 */
public record ReplyAddress(String destination, String correlationId) {

    /** The queue's or topic's name. */
    public String name() {
        return nameOf(destination);
    }

    public boolean topic() {
        return isTopic(destination);
    }

    public static String nameOf(String destination) {
        return destination == null ? null : destination.substring(destination.indexOf(':') + 1);
    }

    public static boolean isTopic(String destination) {
        return destination != null && destination.startsWith("topic:");
    }
}
