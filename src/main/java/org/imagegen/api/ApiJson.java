package org.imagegen.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What every answer of the HTTP API shares: a generation's URL, times as ISO-8601 instants, the JSON writer. */
final class ApiJson {

    static final String BASE = "/api/generations";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiJson() {
    }

    static String url(String id) {
        return BASE + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    static String time(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
