package org.imagegen.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** The requests bench-0 … bench-(count - 1), as {@code files} JSON Lines batches. */
record Workload(int count, int files) {

    List<String> ids() {
        List<String> ids = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            ids.add("bench-" + n);
        }
        return ids;
    }

    /** The batches, each the content of one file or one JMS message. */
    List<String> batches() {
        List<String> batches = new ArrayList<>(files);
        int perBatch = (int) Math.ceil(count / (double) files);
        for (int f = 0, n = 0; f < files && n < count; f++) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < perBatch && n < count; i++, n++) {
                lines.append("{\"id\": \"bench-").append(n).append("\", \"prompt\": \"benchmark job ").append(n)
                        .append("\"}\n");
            }
            batches.add(lines.toString());
        }
        return batches;
    }

    /** Drops the batches into {@code inbox}, each written beside it first and moved in whole. */
    List<String> feed(Path inbox) throws IOException {
        Path staging = Files.createDirectories(inbox.getParent().resolve("feed"));
        List<String> batches = batches();
        for (int f = 0; f < batches.size(); f++) {
            Path file = staging.resolve("batch-" + f + ".jsonl");
            Files.writeString(file, batches.get(f), StandardCharsets.UTF_8);
            Files.move(file, inbox.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
        return ids();
    }
}
