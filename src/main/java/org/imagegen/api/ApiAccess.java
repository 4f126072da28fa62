package org.imagegen.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.imagegen.disk.LowDiskSpaceException;
import org.imagegen.job.JobStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API's door (routes/error-handling.camel.yaml, route configurations api-auth and api-errors): the bearer
 * token, every failure as application/problem+json, and the OpenAPI document, served to anyone.
 */
public class ApiAccess {

    private static final Logger LOG = LoggerFactory.getLogger(ApiAccess.class);

    private final String token;
    private final byte[] openApi;

    public ApiAccess(String token) {
        this.token = token;
        try (InputStream in = ApiAccess.class.getResourceAsStream("/api/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("api/openapi.json is missing from the class path");
            }
            this.openApi = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Refuses a request without {@code Authorization: Bearer <imagegen.api.token>} (compared in constant time). */
    public void authorize(String authorization) {
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip() : null;
        if (!Secrets.matches(presented, token)) {
            throw new ApiProblem(401, "Unauthorized", presented == null
                    ? "send the API token as 'Authorization: Bearer <token>' (imagegen.api.token)"
                    : "the bearer token is not the API token", null);
        }
    }

    public ApiReply openApi() {
        return new ApiReply(200, ApiReply.JSON, null, openApi);
    }

    /** Any failure of an API route as problem+json; an unexpected one is logged and not described to the client. */
    public ApiReply problem(Throwable error) {
        // Camel may wrap what the bean threw: look through the causes
        Throwable e = error;
        while (!(e instanceof ApiProblem) && !(e instanceof JobStoreException) && !(e instanceof LowDiskSpaceException)
                && e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        ApiProblem problem;
        Long retryAfter = null;
        if (e instanceof ApiProblem p) {
            problem = p;
        } else if (e instanceof LowDiskSpaceException low) {
            // 503 with Retry-After, not 507: the shortage is the server's and passes, and clients already retry a 503
            // (as when the job store is down); the detail says which folder, for the operator reading the client's log
            problem = new ApiProblem(503, "Service Unavailable", "not enough free disk space to accept requests ("
                    + low.getMessage() + "); nothing was accepted, try again later", null);
            retryAfter = Math.max(1, (low.retryAfterMs() + 999) / 1000);
        } else if (e instanceof JobStoreException) {
            LOG.warn("API request failed: {}", error.toString());
            problem = new ApiProblem(503, "Service Unavailable", "the job store is unavailable; try again later", null);
        } else {
            LOG.error("API request failed", error);
            problem = new ApiProblem(500, "Internal Server Error", "the request failed; the bundle's log says why", null);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", problem.title());
        body.put("status", problem.status());
        body.put("detail", problem.getMessage());
        if (!problem.problems().isEmpty()) {
            body.put("problems", problem.problems());
        }
        return new ApiReply(problem.status(), ApiReply.PROBLEM_JSON, null, ApiJson.write(body), retryAfter);
    }

    /** The answer to a body over imagegen.api.max-body-bytes, which the HTTP server refuses before any route. */
    public ApiReply tooLarge(long maxBodyBytes) {
        return problem(new ApiProblem(413, "Content Too Large", "the body is over imagegen.api.max-body-bytes ("
                + maxBodyBytes + " bytes): send the batch in parts", null));
    }
}
