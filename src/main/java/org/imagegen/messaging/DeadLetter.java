package org.imagegen.messaging;

/**
 * Why a message (or part of it) went to a dead-letter destination, as the headers it carries there: the reason,
 * the first bad record's number (1-based, 0 for the whole message) and field, every problem as JSON, and the job
 * keys that were accepted from the same message (empty when none).
 */
public record DeadLetter(String reason, int record, String field, String problems, String accepted) {
}
