package org.imagegen.provider.definition;

import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.imagegen.provider.CreateResult;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ProviderCall;
import org.imagegen.provider.StatusResult;

import static org.imagegen.provider.definition.DefinitionValues.blank;
import static org.imagegen.provider.definition.DefinitionValues.encode;
import static org.imagegen.provider.definition.DefinitionValues.method;
import static org.imagegen.provider.definition.DefinitionValues.required;
import static org.imagegen.provider.definition.DefinitionValues.statuses;
import static org.imagegen.provider.definition.DefinitionValues.withoutEmptyParameters;

/**
 * A defined provider's create (docs/adding-a-provider.md, Create): the call ({@code createMethod}, {@code createPath}
 * with the model and the receiver's URL put in, {@code createBody} made from our request), and what is read from its
 * answer: the generation's id
 * ({@code createId}) and status URL ({@code createStatusUrl}), the finished generation a synchronous API answers with
 * ({@code createOutcome}), a refusal that means moderation ({@code createCensored}) and the cost the provider reports
 * ({@code createCost}, in {@code costUnit}); of an error answer, whether it means "try later"
 * ({@code createRetryStatuses}, unless {@code createRefused} says it refuses for good) or "maybe created"
 * ({@code createUnconfirmedStatuses}). Compiled once with the definition; each expression sees the answer's
 * URL and HTTP code as {@code $url} and {@code $status}.
 */
final class DefinedCreate {

    private final String provider;
    private final String method;
    private final String path;
    private final Jq body;
    private final Set<Integer> retryStatuses;
    private final Set<Integer> unconfirmedStatuses;
    private final Jq id;
    private final Jq statusUrl;
    private final Jq outcome;
    private final Jq censored;
    private final Jq refused;
    private final Jq cost;

    DefinedCreate(String provider, CreateProperties d) {
        this.provider = provider;
        method = method(d.getCreateMethod(), "POST");
        path = required(d.getCreatePath(), "createPath").strip();
        body = Jq.compile("createBody", d.getCreateBody());
        if (body == null && Set.of("POST", "PUT", "PATCH").contains(method)) {
            throw new IllegalArgumentException("createBody: required for a " + method + " create");
        }
        retryStatuses = statuses(d.getCreateRetryStatuses(), "429,503", "createRetryStatuses");
        unconfirmedStatuses = statuses(d.getCreateUnconfirmedStatuses(), "500,502,504", "createUnconfirmedStatuses");
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

    /**
     * The create for the job {@code jobKey}: {@code input} is our request as the jq expressions see it, {@code model}
     * the model it resolves to. A parameter left empty ({@code ?fal_webhook=} with webhooks off) is not sent at all.
     */
    ProviderCall call(ProviderUrls urls, String jobKey, ObjectNode input, String model, String webhookUrl) {
        String url = urls.url(withoutEmptyParameters(path.replace("${model}", model)
                .replace("${webhookUrl}", encode(webhookUrl))));
        return urls.call(method, url, body == null ? null : Jq.write(body.first(input)), jobKey);
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

    /**
     * An error answer ({@code reason} names the provider, the code and the answer's {@code message}): refused for
     * good when createRefused says so, whatever its code; else not created, try later; else maybe created; else
     * censored when createCensored says it means moderation; else refused.
     */
    CreateResult readError(HttpReply reply, String reason, String message) {
        if (truthy(refused, reply)) {
            return CreateResult.refused(reason);
        }
        if (retryStatuses.contains(reply.status())) {
            return CreateResult.retryLater(reply.retryAfterDuration(System.currentTimeMillis()), reason);
        }
        if (unconfirmedStatuses.contains(reply.status())) {
            return CreateResult.unconfirmed(reason);
        }
        return truthy(censored, reply)
                ? CreateResult.finished(null, StatusResult.censored(message)) : CreateResult.refused(reason);
    }

    /** An expression about an error answer; an answer it does not fit is not. */
    private static boolean truthy(Jq expression, HttpReply reply) {
        try {
            return expression != null && expression.truthy(Jq.body(reply), Jq.answer(reply));
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
