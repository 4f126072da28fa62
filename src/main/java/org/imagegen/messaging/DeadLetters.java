package org.imagegen.messaging;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.request.IntakeReport;
import org.imagegen.request.Problem;

/**
 * Describes what goes to a dead-letter destination. A message whose records were all rejected, or that could not be
 * read, goes there whole; a batch with some bad records too, after its good records were accepted (their keys are
 * listed, and sending the copy again after fixing it creates no second job for them).
 */
public class DeadLetters {

    private final ObjectMapper json;

    public DeadLetters(ObjectMapper json) {
        this.json = json;
    }

    /** For a message the intake read: its problems. */
    public DeadLetter rejected(IntakeReport report) {
        List<Problem> problems = report.problems();
        Problem first = problems.get(0);
        String reason = report.isRejected()
                ? "rejected: " + first
                : (report.records() - report.accepted().size()) + " of " + report.records()
                + " records rejected; first: " + first;
        return new DeadLetter(reason, first.record(), first.field() == null ? "" : first.field(), write(problems),
                String.join(",", report.accepted()));
    }

    /** For a message that kept failing for another reason (the job store down) until its attempts ran out. */
    public DeadLetter failed(Exception error, Object attempts) {
        String reason = "failed " + attempts + " times, last: " + error.getClass().getSimpleName() + ": "
                + error.getMessage();
        return new DeadLetter(reason, 0, "", write(List.of(Map.of("record", 0, "message", reason))), "");
    }

    /** As {@link #failed}, after the first attempt and {@code redeliveries} more. */
    public DeadLetter failedAfterRetries(Exception error, int redeliveries) {
        return failed(error, redeliveries + 1);
    }

    /**
     * The answer to a request that named a JMSReplyTo and had records rejected: what the dead letter says, as JSON,
     * so the requester hears at once instead of waiting for results that will never come. Its accepted records get
     * their final results later, as usual.
     */
    public String rejectionReply(DeadLetter letter, String source) {
        try {
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("state", "REJECTED");
            reply.put("source", source);
            reply.put("reason", letter.reason());
            reply.put("problems", json.readTree(letter.problems()));
            reply.put("accepted", letter.accepted().isEmpty() ? List.of() : List.of(letter.accepted().split(",")));
            return json.writeValueAsString(reply);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
