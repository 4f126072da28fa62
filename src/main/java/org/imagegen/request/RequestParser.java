package org.imagegen.request;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads the four input shapes — a JSON object, a JSON array, JSON Lines, or CSV with a header row — into
 * records. A record that cannot be read is reported alone (JSON Lines, CSV); only input that is unreadable as a
 * whole is rejected as a whole.
 */
public class RequestParser {

    /** Deeper than any real request; stops hostile nesting with a clear message instead of a stack overflow. */
    private static final int MAX_NESTING = 32;
    private static final Set<String> NUMERIC_CSV_COLUMNS = Set.of("count", "seed");

    private final ObjectMapper json = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public RequestParser() {
        json.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build());
    }

    public ParsedInput parse(String name, String content) {
        String text = content == null ? "" : stripByteOrderMark(content);
        if (text.isBlank()) {
            return ParsedInput.unreadable("the input is empty");
        }
        String lowerName = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (lowerName.endsWith(".csv")) {
            return parseCsv(text);
        }
        if (lowerName.endsWith(".jsonl") || lowerName.endsWith(".ndjson")) {
            return parseJsonLines(text);
        }
        char first = text.stripLeading().charAt(0);
        if (first == '[') {
            return parseJsonArray(text);
        }
        if (first == '{') {
            return looksLikeJsonLines(text) ? parseJsonLines(text) : parseJsonObject(text);
        }
        if (lowerName.endsWith(".json")) {
            return ParsedInput.unreadable("not JSON: a request file must hold a JSON object or a JSON array");
        }
        if (text.lines().findFirst().orElse("").contains("prompt")) {
            return parseCsv(text);
        }
        return ParsedInput.unreadable("not a JSON object, a JSON array, JSON Lines or CSV with a header row");
    }

    private static String stripByteOrderMark(String text) {
        return !text.isEmpty() && text.charAt(0) == '\uFEFF' ? text.substring(1) : text;
    }

    /** Several lines, the first of which is a complete JSON value on its own. */
    private boolean looksLikeJsonLines(String text) {
        List<String> lines = text.strip().lines().filter(l -> !l.isBlank()).limit(2).toList();
        if (lines.size() < 2) {
            return false;
        }
        try {
            json.readTree(lines.get(0));
            return true;
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private ParsedInput parseJsonObject(String text) {
        try {
            return ParsedInput.of(List.of(RawRecord.ok(1, json.readTree(text))));
        } catch (JsonProcessingException e) {
            return ParsedInput.unreadable("invalid JSON: " + e.getOriginalMessage());
        }
    }

    private ParsedInput parseJsonArray(String text) {
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (JsonProcessingException e) {
            return ParsedInput.unreadable("invalid JSON: " + e.getOriginalMessage());
        }
        List<RawRecord> records = new ArrayList<>(root.size());
        int number = 0;
        for (JsonNode element : (ArrayNode) root) {
            records.add(RawRecord.ok(++number, element));
        }
        if (records.isEmpty()) {
            return ParsedInput.unreadable("the JSON array holds no request");
        }
        return ParsedInput.of(records);
    }

    private ParsedInput parseJsonLines(String text) {
        List<RawRecord> records = new ArrayList<>();
        int number = 0;
        for (String line : (Iterable<String>) text.lines()::iterator) {
            if (line.isBlank()) {
                continue;
            }
            number++;
            try {
                records.add(RawRecord.ok(number, json.readTree(line)));
            } catch (JsonProcessingException e) {
                records.add(RawRecord.unreadable(number, "invalid JSON: " + e.getOriginalMessage()));
            }
        }
        return ParsedInput.of(records);
    }

    private ParsedInput parseCsv(String text) {
        CSVFormat format = CSVFormat.DEFAULT.builder()
                .setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true).setTrim(true).get();
        try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
            List<String> header = parser.getHeaderNames();
            if (!header.contains("prompt")) {
                return ParsedInput.unreadable("the CSV header row has no 'prompt' column");
            }
            List<RawRecord> records = new ArrayList<>();
            int number = 0;
            for (CSVRecord row : parser) {
                number++;
                if (row.size() != header.size()) {
                    records.add(RawRecord.unreadable(number, "the row has " + row.size()
                            + " fields but the header has " + header.size()));
                    continue;
                }
                records.add(RawRecord.ok(number, csvRowToJson(header, row)));
            }
            return ParsedInput.of(records);
        } catch (IOException | RuntimeException e) {
            return ParsedInput.unreadable("invalid CSV: " + e.getMessage());
        }
    }

    /**
     * Columns map to fields; {@code options.x} and {@code metadata.x} columns fill those objects; {@code sinks}
     * is a list separated by ';'. Numbers stay text when they do not parse, so validation can name them.
     */
    private ObjectNode csvRowToJson(List<String> header, CSVRecord row) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < header.size(); i++) {
            String column = header.get(i);
            String value = row.get(i);
            if (value == null || value.isEmpty()) {
                continue;
            }
            int dot = column.indexOf('.');
            if (dot > 0) {
                node.withObjectProperty(column.substring(0, dot)).put(column.substring(dot + 1), value);
            } else if (column.equals("sinks")) {
                ArrayNode sinks = node.putArray("sinks");
                for (String s : value.split(";")) {
                    if (!s.isBlank()) {
                        sinks.add(s.strip());
                    }
                }
            } else if (NUMERIC_CSV_COLUMNS.contains(column) && value.matches("-?\\d{1,18}")) {
                node.put(column, Long.parseLong(value));
            } else {
                node.put(column, value);
            }
        }
        return node;
    }
}
