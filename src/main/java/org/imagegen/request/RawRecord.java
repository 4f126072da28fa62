package org.imagegen.request;

import com.fasterxml.jackson.databind.JsonNode;

/** One record as read from the input, before validation; {@code parseError} is set when the record is unreadable. */
public record RawRecord(int number, JsonNode node, String parseError) {

    static RawRecord ok(int number, JsonNode node) {
        return new RawRecord(number, node, null);
    }

    static RawRecord unreadable(int number, String why) {
        return new RawRecord(number, null, why);
    }
}
