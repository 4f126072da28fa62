package org.imagegen.messaging;

import org.imagegen.job.ReplyAddress;

import java.util.List;
import java.util.Map;

import org.imagegen.job.JobState;

/**
 * One job_event row on its way out. {@code publish}: it goes to the configured event endpoints; {@code reply}: it
 * is the job's final result and the request named a reply destination.
 */
public record OutgoingEvent(long id, String jobKey, JobState state, long at, String provider, String reason,
                            List<String> imageUrls, Map<String, Map<String, String>> sinks, String source,
                            String replyDestination, String correlationId, boolean publish, boolean reply) {

    /** The reply destination's name without its "queue:" or "topic:" kind. */
    public String replyName() {
        return ReplyAddress.nameOf(replyDestination);
    }

    public boolean replyToTopic() {
        return ReplyAddress.isTopic(replyDestination);
    }
}
