package org.imagegen.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * The hostile input corpus (src/test/resources/hostile/, plus inputs too big to commit, generated here) and what
 * each input must come to, whatever entry point it arrives through: the records accepted, and one problem per
 * record that is not, naming the record (1-based; 0 for the input as a whole), the field, and a piece of the
 * message. The watched folder runs it in {@code HostileInputTest}; a queue or HTTP entry point can feed the same
 * list to its own test.
 */
public final class HostileCorpus {

    /** One problem the input must be reported with: record number, field (null: the record or input as a whole). */
    public record Expected(int record, String field, String message) {
    }

    /** One hostile input: its name (a file name: the extension tells the format), bytes and expected outcome. */
    public record HostileInput(String name, byte[] content, List<String> accepted, List<Expected> problems) {

        /** Nothing in it may be accepted: the input as a whole is rejected. */
        public boolean wholeRejected() {
            return accepted.isEmpty();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private HostileCorpus() {
    }

    /** Every input, for an entry point that reads at most {@code maxInputBytes} (its size-limit setting). */
    public static List<HostileInput> entries(long maxInputBytes) {
        return List.of(
                file("empty.json", List.of(), new Expected(0, null, "the input is empty")),
                file("not-json.json", List.of(), new Expected(0, null, "not JSON")),
                file("wrong-shape.json", List.of(),
                        new Expected(1, "requests", "unknown field"),
                        new Expected(1, "prompt", "is required")),
                file("deeply-nested.json", List.of(), new Expected(0, null, "nesting depth")),
                file("invalid-utf8.json", List.of(), new Expected(0, null, "not valid UTF-8: byte 34 (line 1, 0xe9)")),
                file("bom.json", List.of("bom-1")),
                file("unknown-field.json", List.of(),
                        new Expected(1, "promt", "unknown field"),
                        new Expected(1, "prompt", "is required")),
                file("prompt-too-long.json", List.of(), new Expected(1, "prompt", "accepts at most 4096")),
                file("unknown-provider.json", List.of(), new Expected(1, "provider", "unknown provider 'dall-e'")),
                file("hostile-ids.jsonl", List.of("ids-ok-1"),
                        new Expected(1, "id", "may hold only letters, digits"),
                        new Expected(2, "id", "may hold only letters, digits"),
                        new Expected(3, "id", "may hold only letters, digits")),
                file("ragged.csv", List.of("ragged-1"),
                        new Expected(2, null, "the row has 2 fields but the header has 3"),
                        new Expected(3, null, "the row has 4 fields but the header has 3")),
                new HostileInput("over-the-limit.json", overLimit(maxInputBytes), List.of(),
                        List.of(new Expected(0, null, "at most " + maxInputBytes + " are read"))));
    }

    /**
     * The corpus for an entry point that has no file name to go by (an HTTP body, a queued message): the format is
     * told from the content alone, so the not-JSON input is reported as matching none of the formats.
     */
    public static List<HostileInput> entriesWithoutNames(long maxInputBytes) {
        return entries(maxInputBytes).stream().map(input -> !input.name().equals("not-json.json") ? input
                : new HostileInput(input.name(), input.content(), input.accepted(), List.of(new Expected(0, null,
                        "not a JSON object, a JSON array, JSON Lines or CSV with a header row")))).toList();
    }

    /** How many requests {@link #bigBatch()} holds. */
    public static final int BIG_BATCH_RECORDS = 100_000;

    /**
     * The corpus' last entry, generated (about 6.3 MB, too big to commit): {@link #BIG_BATCH_RECORDS} valid requests
     * as JSON Lines, ids big-0, big-1, ..., alternately for all-images and RenderNet. Every one must become a job.
     */
    public static String bigBatch() {
        StringBuilder batch = new StringBuilder(BIG_BATCH_RECORDS * 64);
        for (int i = 0; i < BIG_BATCH_RECORDS; i++) {
            batch.append("{\"id\": \"big-").append(i).append("\", \"provider\": \"")
                    .append(i % 2 == 0 ? "all-images" : "rendernet")
                    .append("\", \"prompt\": \"request ").append(i).append(" of a big batch\"}\n");
        }
        return batch.toString();
    }

    /** A valid request padded with spaces to one byte over the limit: refused for its size, never parsed. */
    private static byte[] overLimit(long maxInputBytes) {
        byte[] request = "{\"id\": \"too-big-1\", \"prompt\": \"padded\"}".getBytes();
        byte[] content = Arrays.copyOf(request, Math.toIntExact(maxInputBytes + 1));
        Arrays.fill(content, request.length, content.length, (byte) ' ');
        return content;
    }

    private static HostileInput file(String name, List<String> accepted, Expected... problems) {
        try (InputStream in = HostileCorpus.class.getResourceAsStream("/hostile/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no corpus file hostile/" + name);
            }
            return new HostileInput(name, in.readAllBytes(), accepted, List.of(problems));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
