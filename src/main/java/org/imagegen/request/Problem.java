package org.imagegen.request;

/**
 * What is wrong with one request: which record (1-based position in its file or message; 0 for the whole input),
 * the request's id where it has one, which field, and why.
 */
public record Problem(int record, String id, String field, String message) {

    public static Problem ofInput(String message) {
        return new Problem(0, null, null, message);
    }

    @Override
    public String toString() {
        String where = record == 0 ? "input" : "record " + record + (id == null ? "" : " (id " + id + ")");
        return where + (field == null ? "" : ", field '" + field + "'") + ": " + message;
    }
}
