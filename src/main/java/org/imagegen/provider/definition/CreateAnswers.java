package org.imagegen.provider.definition;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.provider.CreateResult;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.StatusResult;

import static org.imagegen.provider.definition.DefinitionValues.blank;
import static org.imagegen.provider.definition.DefinitionValues.required;

/**
 * What a definition reads from a create's answer (docs/adding-a-provider.md, Create): the generation's id
 * ({@code createId}) and status URL ({@code createStatusUrl}), the finished generation a synchronous API answers with
 * ({@code createOutcome}), a refusal that means moderation ({@code createCensored}) and the cost the provider reports
 * ({@code createCost}, in {@code costUnit}). Compiled once with the definition; each expression sees the answer's
 * URL and HTTP code as {@code $url} and {@code $status}.
 */
final class CreateAnswers {

    private final String provider;
    private final Jq id;
    private final Jq statusUrl;
    private final Jq outcome;
    private final Jq censored;
    private final Jq refused;
    private final Jq cost;

    CreateAnswers(String provider, ProviderDefinition d) {
        this.provider = provider;
        outcome = Jq.compile("createOutcome", d.getCreateOutcome());
        // a synchronous API answers with the result: it may name no generation and have no status check at all
        id = Jq.compile("createId", synchronous() ? d.getCreateId() : required(d.getCreateId(), "createId"));
        statusUrl = Jq.compile("createStatusUrl", d.getCreateStatusUrl());
        censored = Jq.compile("createCensored", d.getCreateCensored());
        refused = Jq.compile("createRefused", d.getCreateRefused());
        cost = Jq.compile("createCost", d.getCreateCost());
        if (!blank(d.getCostUnit()) && d.getCostUnit().strip().length() > 32) {
            throw new IllegalArgumentException("costUnit: '" + d.getCostUnit().strip() + "' is longer than 32 characters");
        }
    }

    /** Whether the API may answer a create with the finished generation (a createOutcome is declared). */
    boolean synchronous() {
        return outcome != null;
    }

    /** Whether the provider returns the generation's status URL at create (createStatusUrl). */
    boolean returnsStatusUrl() {
        return statusUrl != null;
    }

    /**
     * A 2xx answer: the finished generation (createOutcome gave succeeded, failed or censored), else the created one
     * ({@code statusCheck}: the definition can check it; {@code hasStatusPath}: it can without a status URL), else
     * "maybe created". The cost goes with a finished or created generation; an outcome's own cost is the later word.
     */
    CreateResult read(HttpReply reply, boolean statusCheck, boolean hasStatusPath) {
        JsonNode answer = Jq.body(reply);
        Map<String, JsonNode> variables = Jq.answer(reply);
        try {
            Double reported = cost == null ? null : StatusReader.cost(cost.first(answer, variables));
            String generation = id == null ? null : id.text(answer, variables);
            JsonNode end = outcome == null ? null : outcome.first(answer, variables);
            if (end != null && StatusReader.ENDS.contains(StatusReader.state(end))) {
                StatusResult finished = StatusReader.toResult(provider, end, "createOutcome", reply);
                return CreateResult.finished(generation, finished)
                        .withCost(finished.cost() != null ? finished.cost() : reported);
            }
            if (!statusCheck) {
                return CreateResult.unconfirmed(provider + " answered HTTP " + reply.status() + " without a finished"
                        + " outcome (createOutcome gave state '" + StatusReader.state(end) + "') and declares no"
                        + " status check: " + reply.bodyExcerpt());
            }
            CreateResult created = statusUrl != null ? StatusUrls.created(provider, generation,
                    statusUrl.text(answer, variables), hasStatusPath, reply)
                    : generation != null ? CreateResult.created(generation)
                    : CreateResult.unconfirmed(StatusUrls.without(provider, reply,
                    id != null ? "an id (createId)" : "a finished outcome (createOutcome)"));
            return created.kind() == CreateResult.Kind.CREATED ? created.withCost(reported) : created;
        } catch (IllegalStateException e) {
            return CreateResult.unconfirmed(provider + ": " + e.getMessage());
        }
    }

    /** Whether a refused create's answer means moderation; an answer the expression does not fit does not. */
    boolean censored(HttpReply reply) {
        return truthy(censored, reply);
    }

    /** Whether an error answer refuses for good whatever its code says (createRefused). */
    boolean refusedForGood(HttpReply reply) {
        return truthy(refused, reply);
    }

    private static boolean truthy(Jq expression, HttpReply reply) {
        try {
            return expression != null && expression.truthy(Jq.body(reply), Jq.answer(reply));
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
