package org.imagegen.provider.definition;

import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.imagegen.request.GenerationRequest;
import org.imagegen.request.Problems;

/**
 * A defined provider's requests (docs/adding-a-provider.md, What a request may ask for): their checks (the
 * definition's limits and its own requestProblems), the model each resolves to, what its generation times are learned
 * under (durationModel), and the input every jq expression of a create or search sees.
 */
final class DefinedRequests {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RequestRules rules;
    /** The definition's own request checks (requestProblems), or null. */
    private final RequestProblems problems;
    /** What generation times are learned under (durationModel), or null: the model. */
    private final Jq durationModel;
    /** The receiver's URL a create hands over (jq {@code .webhookUrl}), or null. */
    private final Supplier<String> webhookUrl;

    DefinedRequests(String provider, RequestProperties d, String durationModel, Supplier<String> webhookUrl) {
        this.rules = new RequestRules(provider, d);
        this.problems = RequestProblems.of(provider, d);
        this.durationModel = Jq.compile("durationModel", durationModel);
        this.webhookUrl = webhookUrl;
    }

    void validate(GenerationRequest r, Problems found) {
        rules.validate(r, found);
        if (problems != null) {
            problems.check(input(r.key(), r), found);
        }
    }

    /** The model the request resolves to (see {@link RequestRules#modelOf}). */
    String modelOf(GenerationRequest request) {
        return rules.modelOf(request);
    }

    /**
     * What the request's generation times are learned under: durationModel's name (a style, a speed mode), else the
     * model it resolves to. An expression that gives nothing, or fails, leaves it the model.
     */
    String durationModelOf(GenerationRequest request) {
        if (durationModel != null) {
            try {
                String learned = durationModel.text(input(request.key(), request));
                if (learned != null) {
                    return learned;
                }
            } catch (IllegalStateException e) {
                // a request the expression does not fit: its model
            }
        }
        return rules.modelOf(request);
    }

    /** What every jq expression of a create or search sees: our request, with the model it resolves to. */
    ObjectNode input(String key, GenerationRequest r) {
        ObjectNode input = JSON.createObjectNode();
        input.put("id", key);
        input.put("prompt", r.prompt());
        input.put("negativePrompt", r.negativePrompt());
        input.put("aspectRatio", r.aspectRatio());
        input.put("count", r.count());
        input.put("seed", r.seed());
        input.set("options", JSON.valueToTree(r.options()));
        input.put("model", rules.modelOf(r));
        input.put("webhookUrl", webhookUrl.get());
        return input;
    }
}
