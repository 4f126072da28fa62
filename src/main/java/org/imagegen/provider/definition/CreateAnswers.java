package org.imagegen.provider.definition;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;

import static org.imagegen.provider.definition.DefinitionValues.blank;

/**
 * What a definition reads from a create's answer besides the generation's id (docs/adding-a-provider.md, Create):
 * the finished generation a synchronous API answers with ({@code createOutcome}), a refusal that means moderation
 * ({@code createCensored}) and the cost the provider reports ({@code createCost}, in {@code costUnit}). Compiled
 * once with the definition; each expression sees the answer's HTTP code as {@code $status}.
 */
final class CreateAnswers {

    private final Jq outcome;
    private final Jq censored;
    private final Jq cost;

    CreateAnswers(ProviderDefinition d) {
        outcome = Jq.compile("createOutcome", d.getCreateOutcome());
        censored = Jq.compile("createCensored", d.getCreateCensored());
        cost = Jq.compile("createCost", d.getCreateCost());
        if (!blank(d.getCostUnit()) && d.getCostUnit().strip().length() > 32) {
            throw new IllegalArgumentException("costUnit: '" + d.getCostUnit().strip() + "' is longer than 32 characters");
        }
    }

    /** Whether the API may answer a create with the finished generation (a createOutcome is declared). */
    boolean synchronous() {
        return outcome != null;
    }

    /** A 2xx answer's outcome object, or null without createOutcome; a failing expression throws (names it). */
    JsonNode outcome(JsonNode answer, int status) {
        return outcome == null ? null : outcome.first(answer, variables(status));
    }

    /** The cost a 2xx answer reports, or null (none declared, none given, not a number). */
    Double cost(JsonNode answer, int status) {
        return cost == null ? null : OutcomeObject.cost(cost.first(answer, variables(status)));
    }

    /** Whether a refused create's answer means moderation; an answer the expression does not fit does not. */
    boolean censored(JsonNode answer, int status) {
        try {
            return censored != null && censored.truthy(answer, variables(status));
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static Map<String, JsonNode> variables(int status) {
        return Map.of("status", IntNode.valueOf(status));
    }
}
