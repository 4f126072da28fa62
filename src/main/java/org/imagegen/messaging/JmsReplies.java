package org.imagegen.messaging;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import org.imagegen.job.ReplyAddress;

/**
 * Turns a JMS request's JMSReplyTo into an address stored with its jobs. The answer carries the request's
 * JMSCorrelationID, or its JMSMessageID when it had none (the usual JMS request/reply convention).
 */
public class JmsReplies {

    public ReplyAddress address(Object replyTo, String correlationId, String messageId) throws JMSException {
        if (!(replyTo instanceof Destination)) {
            return null;
        }
        String destination;
        if (replyTo instanceof Queue queue) {
            destination = "queue:" + queue.getQueueName();
        } else if (replyTo instanceof Topic topic) {
            destination = "topic:" + topic.getTopicName();
        } else {
            return null;
        }
        String correlation = correlationId == null || correlationId.isBlank() ? messageId : correlationId;
        return new ReplyAddress(destination, correlation);
    }
}
