package org.imagegen.api;

/**
 * How many generations a page of {@code GET /api/generations} holds: {@code byDefault} when the request names no
 * {@code limit} (imagegen.api.page-size), never more than {@code max} (imagegen.api.max-page-size).
 */
public record PageSizes(int byDefault, int max) {

    /** The size a request's {@code limit} asks for; a limit that is no whole number from 1 to max is refused. */
    int of(String limit) {
        if (limit == null || limit.isBlank()) {
            return byDefault;
        }
        int size;
        try {
            size = Integer.parseInt(limit.strip());
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (size < 1 || size > max) {
            throw ApiProblem.badParameter("limit", "must be a whole number from 1 to " + max
                    + " (imagegen.api.max-page-size)");
        }
        return size;
    }
}
