package org.imagegen.messaging;

import java.util.List;
import java.util.Map;

import org.imagegen.job.JobState;
import org.imagegen.job.ReplyAddress;

/**
 * One job_event row on its way out. {@code publish}: it goes to the configured event endpoints; {@code reply}: it
 * is the job's final result and the request named a reply destination.
 */
public record OutgoingEvent(long id, String jobKey, JobState state, long at, String provider, String reason,
                            List<String> imageUrls, Map<String, Map<String, String>> sinks, String source,
                            String replyDestination, String correlationId, boolean publish, boolean reply) {

    /** Where the job's final result goes (when {@code reply}): the destination the request named, and its id. */
    public ReplyAddress replyTo() {
        return new ReplyAddress(replyDestination, correlationId);
    }
}
