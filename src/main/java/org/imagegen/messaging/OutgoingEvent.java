package org.imagegen.messaging;

import java.util.List;
import java.util.Map;

import org.imagegen.job.JobState;
import org.imagegen.job.ReplyAddress;

/**
 * One job_event row on its way out. {@code publish}: it goes to the configured event endpoints; {@code reply}: it
 * is the job's final result and the request named a reply destination. {@code position} and {@code progress}: the
 * queue position or progress the event's line states (a running job's, see org.imagegen.job.Progress), else null.
 * {@code cost}: the job's cost as the API shows it, on the events of a finished generation; else null.
 */
public record OutgoingEvent(long id, String jobKey, JobState state, long at, String provider, String reason,
                            List<String> imageUrls, Map<String, Map<String, String>> sinks, String source,
                            String replyDestination, String correlationId, boolean publish, boolean reply,
                            Integer position, Integer progress, Map<String, Object> cost) {

    /** The same event with the deliveries to the sinks it reports. */
    public OutgoingEvent withSinks(Map<String, Map<String, String>> deliveries) {
        return new OutgoingEvent(id, jobKey, state, at, provider, reason, imageUrls, deliveries, source,
                replyDestination, correlationId, publish, reply, position, progress, cost);
    }

    /** Where the job's final result goes (when {@code reply}): the destination the request named, and its id. */
    public ReplyAddress replyTo() {
        return new ReplyAddress(replyDestination, correlationId);
    }
}
