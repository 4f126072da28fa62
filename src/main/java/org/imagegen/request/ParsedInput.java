package org.imagegen.request;

import java.util.List;

/** The records found in one file or message, or the reason none could be read at all. */
public record ParsedInput(List<RawRecord> records, String inputError) {

    static ParsedInput of(List<RawRecord> records) {
        return new ParsedInput(records, null);
    }

    static ParsedInput unreadable(String why) {
        return new ParsedInput(List.of(), why);
    }
}
