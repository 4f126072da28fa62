package org.imagegen.api;

import java.util.List;

import org.imagegen.request.Problem;

/**
 * A request the API refuses, answered as {@code application/problem+json} (RFC 9457): the HTTP status, a title,
 * what went wrong, and for bad input each problem with its record, id, field and why.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final transient List<Problem> problems;

    public ApiProblem(int status, String title, String detail, List<Problem> problems) {
        super(detail);
        this.status = status;
        this.title = title;
        this.problems = problems == null ? List.of() : List.copyOf(problems);
    }

    public static ApiProblem badRequest(String detail, List<Problem> problems) {
        return new ApiProblem(400, "Bad Request", detail, problems);
    }

    /** A bad query parameter or header: the field names it, the record is 0 (the request as a whole). */
    public static ApiProblem badParameter(String field, String why) {
        return badRequest("the request has a bad parameter", List.of(new Problem(0, null, field, why)));
    }

    public static ApiProblem notFound(String id) {
        return new ApiProblem(404, "Not Found", "no generation with id '" + id + "'", null);
    }

    public static ApiProblem conflict(String detail) {
        return new ApiProblem(409, "Conflict", detail, null);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<Problem> problems() {
        return problems;
    }
}
