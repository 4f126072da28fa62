package org.imagegen.delivery;

/** One row of the sink ledger: a job's delivery to one sink. */
public record SinkRecord(String jobKey, String sink, SinkState state, int attempts, Long nextTryAt,
                         Long deliveredAt, String location, String lastError) {
}
