package org.imagegen.provider;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/** JSON helpers the adapters share: tolerant reading (a broken answer is a failed check, not a crash). */
final class ProviderJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private ProviderJson() {
    }

    /** The parsed body, or a missing node when the body is not JSON. */
    static JsonNode read(HttpReply reply) {
        if (reply.body() == null || reply.body().isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = MAPPER.readTree(reply.body());
            return node == null ? MissingNode.getInstance() : node;
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write provider request", e);
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    /** Encodes a path segment or query value (a space as %20, which is right in both places). */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String httpReason(String provider, HttpReply reply, String message) {
        return provider + " answered HTTP " + reply.status() + ": " + (message != null ? message : reply.bodyExcerpt());
    }
}
