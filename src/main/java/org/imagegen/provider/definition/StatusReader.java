package org.imagegen.provider.definition;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ProviderCall;
import org.imagegen.provider.StatusResult;

/**
 * A defined provider's status answers, read into the normalised status through the definition's statusOutcome and,
 * when that asks to fetch the result (fal: the result is a second URL once the status says COMPLETED), its
 * resultOutcome. Both make an outcome object: {@code {state, images, reason, cost, position, progress, url}};
 * {@link #toResult} is the one reading of such an object, for createOutcome's too.
 */
final class StatusReader {

    static final String FETCH = "fetch";
    static final Set<String> STATES = Set.of("queued", "running", "succeeded", "failed", "censored", "unknown", FETCH);
    /** The states that end a generation. */
    static final Set<String> ENDS = Set.of("succeeded", "failed", "censored");

    private final String provider;
    private final Jq statusOutcome;
    private final Jq resultOutcome;
    private final Function<HttpReply, String> errorMessage;
    private final Predicate<String> mayCarryKey;
    /** Codes of a result fetch that are answers for resultOutcome though transient by the common rule. */
    private final Set<Integer> resultAnswerStatuses;

    StatusReader(String provider, Jq statusOutcome, Jq resultOutcome, Function<HttpReply, String> errorMessage,
                 Predicate<String> mayCarryKey) {
        this(provider, statusOutcome, resultOutcome, errorMessage, mayCarryKey, Set.of());
    }

    StatusReader(String provider, Jq statusOutcome, Jq resultOutcome, Function<HttpReply, String> errorMessage,
                 Predicate<String> mayCarryKey, Set<Integer> resultAnswerStatuses) {
        this.provider = provider;
        this.resultAnswerStatuses = Set.copyOf(resultAnswerStatuses);
        this.statusOutcome = statusOutcome;
        this.resultOutcome = resultOutcome;
        this.errorMessage = errorMessage;
        this.mayCarryKey = mayCarryKey;
    }

    /**
     * A status answer: an error code by the rules for every provider; else statusOutcome's outcome, or, for the
     * state {@code fetch}, a GET of its {@code url} (resolved against the status URL when relative; the key only
     * where the definition's key rules allow).
     */
    StatusCheck check(HttpReply reply) {
        if (!reply.isSuccess()) {
            return StatusCheck.of(StatusResult.ofError(provider, reply, errorMessage.apply(reply)));
        }
        JsonNode outcome;
        try {
            outcome = statusOutcome.first(Jq.body(reply), Jq.answer(reply));
        } catch (IllegalStateException e) {
            return StatusCheck.of(StatusResult.retryLater(null, provider + ": " + e.getMessage()));
        }
        if (!FETCH.equals(state(outcome))) {
            return StatusCheck.of(toResult(provider, outcome, "statusOutcome", reply));
        }
        String target = outcome.path("url").isTextual() ? outcome.path("url").asText().strip() : "";
        String problem = resultOutcome == null ? "the definition declares no resultOutcome to read it"
                : target.isEmpty() ? "the outcome has no url" : null;
        if (problem == null) {
            try {
                URI resolved = reply.url() == null ? URI.create(target) : URI.create(reply.url()).resolve(target);
                if (resolved.getHost() != null && Set.of("http", "https").contains(String.valueOf(resolved.getScheme()))) {
                    String url = resolved.toString();
                    return StatusCheck.fetching(new ProviderCall(provider, "GET", url, null, mayCarryKey.test(url), null));
                }
            } catch (IllegalArgumentException e) {
                // not a URL: named below
            }
            problem = "'" + target + "' is not an http(s) URL";
        }
        return StatusCheck.of(StatusResult.retryLater(null, provider + ": the status asks to fetch the result"
                + " (statusOutcome state fetch), but " + problem + "; " + reply.bodyExcerpt()));
    }

    /**
     * The answer to a fetch: 429, 408 and 5xx are a failed check (asked again later); any other answer, an error code
     * too, is resultOutcome's to read ({@code $status} tells which), and so are the transient codes the definition
     * names in resultAnswerStatuses. A fetch from resultOutcome counts as unknown.
     */
    StatusResult readResult(HttpReply reply) {
        if (reply.isTransient() && !resultAnswerStatuses.contains(reply.status())) {
            return StatusResult.retryLater(reply.retryAfterDuration(System.currentTimeMillis()),
                    provider + " answered HTTP " + reply.status() + " to the result fetch: " + errorMessage.apply(reply));
        }
        JsonNode outcome;
        try {
            outcome = resultOutcome.first(Jq.body(reply), Jq.answer(reply));
        } catch (IllegalStateException e) {
            return StatusResult.retryLater(null, provider + ": " + e.getMessage());
        }
        if (FETCH.equals(state(outcome))) {
            return StatusResult.retryLater(null, provider + ": resultOutcome gave state 'fetch', which only"
                    + " statusOutcome may give (read as 'unknown'); " + reply.bodyExcerpt());
        }
        return toResult(provider, outcome, "resultOutcome", reply);
    }

    /** The outcome's state, lower case; empty when it names none. */
    static String state(JsonNode outcome) {
        return outcome == null ? "" : outcome.path("state").asText("").toLowerCase(Locale.ROOT);
    }

    /**
     * The normalised status of an outcome object ({@code property}: the expression that made it, named in the reason
     * of a failed check). {@code unknown}, {@code fetch}, any other state, or no object: a failed check. Images may
     * be URLs or {@code data:} URIs; succeeded without one fails the job; failed with {@code retryable: true} may be
     * retried at the provider (ProviderRetry). The cost, queue position and progress the
     * outcome reports go with any state.
     */
    static StatusResult toResult(String provider, JsonNode outcome, String property, HttpReply reply) {
        String state = state(outcome);
        JsonNode reasonNode = outcome.path("reason");
        String reason = reasonNode.isValueNode() && !reasonNode.isNull() ? reasonNode.asText() : null;
        StatusResult result = switch (state) {
            case "queued" -> StatusResult.queued();
            case "running" -> StatusResult.running();
            case "succeeded" -> {
                List<String> images = new ArrayList<>();
                outcome.path("images").forEach(i -> {
                    if (i.isTextual() && !i.asText().isBlank()) {
                        images.add(i.asText());
                    }
                });
                // a reason with success says what was left out (images flagged NSFW): the job's history keeps it
                yield images.isEmpty() ? StatusResult.failed(provider + " reported success without an image", false)
                        : new StatusResult(StatusResult.Kind.SUCCEEDED, List.copyOf(images), null, reason, false);
            }
            // retryable: the provider can retry this generation in place (the definition's retryPath, up to retryMax)
            case "failed" -> StatusResult.failed(reason != null ? reason : provider + " reported the generation failed",
                    outcome.path("retryable").asBoolean(false));
            case "censored" -> StatusResult.censored(reason != null ? reason : provider + " refused the content");
            default -> StatusResult.retryLater(null, provider + ": the answer gave "
                    + (STATES.contains(state) ? "state '" + state + "'" : outcome.isObject()
                    ? "no known state " + STATES : "no outcome object") + " (" + property + "); " + reply.bodyExcerpt());
        };
        // the provider's cost so far, at any state: the last one reported is the job's
        return result.withCost(cost(outcome.path("cost"))).withProgress(whole(outcome.path("position"), 0,
                Integer.MAX_VALUE), whole(outcome.path("progress"), 0, 100));
    }

    /**
     * A reported cost: a number (or a number written as text) that is finite and not negative; null for anything
     * else, so a provider's missing or odd field never fails a job.
     */
    static Double cost(JsonNode value) {
        Double amount = number(value);
        return amount != null && Double.isFinite(amount) && amount >= 0 ? amount : null;
    }

    /** A number (or numeric text) rounded and kept within [min, max]; null for anything else. */
    private static Integer whole(JsonNode value, int min, int max) {
        Double n = number(value);
        return n == null || Double.isNaN(n) ? null : (int) Math.max(min, Math.min(max, Math.round(n)));
    }

    private static Double number(JsonNode value) {
        if (value == null || !value.isNumber() && !value.isTextual()) {
            return null;
        }
        try {
            return value.isNumber() ? value.asDouble() : Double.parseDouble(value.asText().strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
