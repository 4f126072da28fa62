package org.imagegen.provider.definition;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.request.Problems;

/**
 * A definition's own request checks ({@code requestProblems}): jq from our request, as createBody sees it, to the
 * problems the API would refuse it for, each {@code {field, message}}. For what the declarative limits
 * (aspectRatios, maxCount, options, ...) cannot say: an option's allowed values or type, options one model refuses,
 * two fields that contradict each other. A request with a problem is rejected before anything is sent, the field
 * named, as any bad input is.
 */
record RequestProblems(String provider, Jq problems) {

    /** The definition's checks, or null when it declares none. */
    static RequestProblems of(String provider, RequestProperties d) {
        Jq compiled = Jq.compile("requestProblems", d.getRequestProblems());
        return compiled == null ? null : new RequestProblems(provider, compiled);
    }

    /**
     * Adds each problem the expression finds. An expression that fails, or answers something other than a list of
     * {@code {field, message}}, rejects the request too, saying so: a request that cannot be checked is not sent.
     */
    void check(JsonNode request, Problems found) {
        JsonNode out;
        try {
            out = problems.first(request);
        } catch (IllegalStateException e) {
            found.add("request", provider + " could not check the request: " + e.getMessage());
            return;
        }
        if (out.isNull()) {
            return;
        }
        if (!out.isArray()) {
            found.add("request", provider + " could not check the request: requestProblems gave " + out.getNodeType()
                    + ", not a list of {field, message}");
            return;
        }
        for (JsonNode problem : out) {
            JsonNode field = problem.path("field");
            JsonNode message = problem.path("message");
            if (!message.isValueNode() || message.isNull()) {
                found.add("request", provider + " could not check the request: requestProblems gave " + problem
                        + ", not {field, message}");
            } else {
                found.add(field.isTextual() && !field.asText().isBlank() ? field.asText() : "request", message.asText());
            }
        }
    }
}
