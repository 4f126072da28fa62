package org.imagegen.provider.definition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    private final String name;
    private final RequestProperties definition;
    private final List<String> aspectRatios;
    private final List<String> options;
    private final List<String> unsupportedFields;
    private final Integer maxCount;
    private final Integer maxPrompt;
    /** The option that names the model when the request's top-level model does not (modelOption, default model). */
    private final String modelOption;

    RequestRules(String name, RequestProperties d) {
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
