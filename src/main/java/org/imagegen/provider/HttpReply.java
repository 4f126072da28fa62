package org.imagegen.provider;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * A provider's HTTP answer as the adapters need it: status, body text, the Retry-After header if any, and the URL
 * that was called (null where not known).
 */
public record HttpReply(int status, String body, String retryAfter, String contentType, String url) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public HttpReply(int status, String body, String retryAfter, String contentType) {
        this(status, body, retryAfter, contentType, null);
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** Worth asking again later: rate limited, server-side trouble, or a gateway timeout. */
    public boolean isTransient() {
        return status == 429 || status == 408 || status >= 500;
    }

    /** The wait the provider asked for, in seconds or as an HTTP date; null when it named none (or nonsense). */
    public Duration retryAfterDuration(long nowMillis) {
        if (retryAfter == null || retryAfter.isBlank()) {
            return null;
        }
        String value = retryAfter.strip();
        if (value.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        try {
            long at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
            return Duration.ofMillis(Math.max(0, at - nowMillis));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * The first characters of the body, for a reason text; an HTML error page is named as such, not quoted, and
     * JSON that does not parse (cut off, broken) is named as malformed.
     */
    public String bodyExcerpt() {
        if (body == null || body.isBlank()) {
            return "empty body";
        }
        String trimmed = body.strip();
        if (trimmed.startsWith("<") || (contentType != null && contentType.contains("html"))) {
            return "an HTML page instead of JSON";
        }
        String excerpt = trimmed.length() > 300 ? trimmed.substring(0, 300) + "..." : trimmed;
        if ((trimmed.startsWith("{") || trimmed.startsWith("[")) && json().isMissingNode()) {
            return "malformed JSON: " + excerpt;
        }
        return excerpt;
    }

    /** The body parsed, or a missing node when it is none or not JSON: a broken answer is a failed check, not a crash. */
    public JsonNode json() {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? MissingNode.getInstance() : node;
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    /** {@code <provider> answered HTTP <status>: <message>}, the body's first characters when there is no message. */
    public String reason(String provider, String message) {
        return provider + " answered HTTP " + status + ": " + (message != null ? message : bodyExcerpt());
    }
}
