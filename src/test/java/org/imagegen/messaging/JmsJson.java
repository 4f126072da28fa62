package org.imagegen.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Message;

/** The JSON a JMS message carries, in its text body or in a property, read for a test's assertions. */
final class JmsJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JmsJson() {
    }

    static JsonNode body(Message message) {
        return read(JmsClient.body(message));
    }

    static JsonNode property(Message message, String name) {
        return read(JmsClient.property(message, name));
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not JSON: " + text, e);
        }
    }
}
