package org.imagegen.api;

/**
 * One HTTP answer of the API, as the routes send it: status, content type, an optional Location, the body (JSON text
 * or image bytes), and an optional Retry-After in seconds. Routes turn it into the response in {@code direct:api-reply}.
 */
public record ApiReply(int status, String contentType, String location, Object body, Long retryAfter) {

    public ApiReply(int status, String contentType, String location, Object body) {
        this(status, contentType, location, body, null);
    }

    public static final String JSON = "application/json";
    public static final String PROBLEM_JSON = "application/problem+json";

    public static ApiReply json(int status, String body) {
        return new ApiReply(status, JSON, null, body);
    }
}
