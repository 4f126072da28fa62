package org.imagegen.provider.definition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.imagegen.request.GenerationRequest;
import org.imagegen.request.Problems;

import static org.imagegen.provider.definition.DefinitionValues.list;
import static org.imagegen.provider.definition.DefinitionValues.number;

/**
 * What a defined provider accepts of a request (aspectRatios, options, unsupportedFields, maxCount, maxPrompt), read
 * once from its definition, and which model a request resolves to.
 */
final class RequestRules {

    /** The optional request fields a definition may declare unsupported (unsupportedFields). */
    private static final List<String> OPTIONAL_FIELDS = List.of("negativePrompt", "seed", "model");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final ProviderDefinition definition;
    private final List<String> aspectRatios;
    private final List<String> options;
    private final List<String> unsupportedFields;
    private final Integer maxCount;
    private final Integer maxPrompt;
    /** The option that names the model when the request's top-level model does not (modelOption, default model). */
    private final String modelOption;
    /** requestProblems: the request as sent -> [{field, problem}]; null when not declared. */
    private final Jq problems;

    RequestRules(String name, ProviderDefinition d) {
        this.name = name;
        this.definition = d;
        aspectRatios = list(d.getAspectRatios());
        options = list(d.getOptions());
        unsupportedFields = list(d.getUnsupportedFields());
        for (String field : unsupportedFields) {
            if (!OPTIONAL_FIELDS.contains(field)) {
                throw new IllegalArgumentException("unsupportedFields: '" + field + "' is not an optional request"
                        + " field; expected some of " + OPTIONAL_FIELDS);
            }
        }
        maxCount = number(d.getMaxCount(), "maxCount");
        maxPrompt = number(d.getMaxPrompt(), "maxPrompt");
        modelOption = d.getModelOption() == null || d.getModelOption().isBlank() ? "model" : d.getModelOption().strip();
        problems = Jq.compile("requestProblems", d.getRequestProblems());
    }

    void validate(GenerationRequest r, Problems problems) {
        if (maxPrompt != null && r.prompt() != null && r.prompt().length() > maxPrompt) {
            problems.add("prompt", "is " + r.prompt().length() + " characters; " + name + " accepts at most " + maxPrompt);
        }
        if (r.aspectRatio() != null && !aspectRatios.isEmpty() && !aspectRatios.contains(r.aspectRatio())) {
            problems.add("aspectRatio", "'" + r.aspectRatio() + "' is not an aspect ratio of " + name
                    + "; expected one of " + aspectRatios);
        }
        if (r.count() != null && maxCount != null && r.count() > maxCount) {
            problems.add("count", "must be from 1 to " + maxCount + " for " + name);
        }
        Map<String, Object> given = new HashMap<>();
        given.put("negativePrompt", r.negativePrompt());
        given.put("seed", r.seed());
        given.put("model", r.model());
        for (String field : unsupportedFields) {
            if (given.get(field) != null) {
                problems.add(field, "is not accepted: " + name + "'s API has no " + field);
            }
        }
        for (String option : r.options().keySet()) {
            if (!options.contains(option)) {
                problems.add("options." + option, options.isEmpty() ? "is not accepted: " + name + " takes no options"
                        : "is not an option of " + name + "; expected one of " + options);
            }
        }
        if (this.problems != null) {
            declaredProblems(r, problems);
        }
    }

    /** The definition's own rules (requestProblems): each {field, problem} it lists is added as it says. */
    private void declaredProblems(GenerationRequest r, Problems found) {
        ObjectNode request = JSON.createObjectNode();
        request.put("prompt", r.prompt());
        request.put("negativePrompt", r.negativePrompt());
        request.put("aspectRatio", r.aspectRatio());
        request.put("count", r.count());
        request.put("seed", r.seed());
        request.put("model", r.model());
        request.set("options", JSON.valueToTree(r.options()));
        JsonNode listed;
        try {
            listed = problems.first(request);
        } catch (IllegalStateException e) {
            // a rule that cannot read this request is the definition's fault, but the request is not sent unchecked
            found.add("request", name + "'s requestProblems could not check it: " + e.getMessage());
            return;
        }
        for (JsonNode problem : listed.isArray() ? listed : JSON.createArrayNode()) {
            String field = problem.path("field").asText("");
            String text = problem.path("problem").asText("");
            if (!text.isBlank()) {
                found.add(field.isBlank() ? "request" : field, text);
            }
        }
    }

    /**
     * The request's {@code model}, else the option named by modelOption ({@code options.model}) when it is one of the
     * definition's options, else the definition's.
     */
    String modelOf(GenerationRequest request) {
        if (request.model() != null && !request.model().isBlank()) {
            return request.model();
        }
        Object chosen = options.contains(modelOption) ? request.options().get(modelOption) : null;
        return chosen instanceof String s && !s.isBlank() ? s : definition.getModel() == null ? "" : definition.getModel();
    }
}
