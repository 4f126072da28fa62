package org.imagegen.api;

/**
 * One HTTP answer of the API, as the routes send it: status, content type, an optional Location, and the body
 * (JSON text or image bytes). Routes turn it into the response in {@code direct:api-reply}.
 */
public record ApiReply(int status, String contentType, String location, Object body) {

    public static final String JSON = "application/json";
    public static final String PROBLEM_JSON = "application/problem+json";

    public static ApiReply json(int status, String body) {
        return new ApiReply(status, JSON, null, body);
    }
}
