package org.imagegen.provider;

import java.time.Duration;

/**
 * What a create call came to. {@code CREATED}: the provider has the generation. {@code NOT_CREATED_RETRY}: the
 * provider refused for now (429, 503) and nothing was created. {@code REFUSED}: it will never accept this request.
 * {@code UNCONFIRMED}: the create may or may not have been made (500/502/504, an answer without an id): the job is
 * reconciled with the provider before anything is sent again. {@code FINISHED}: the create's answer is already the
 * generation's end ({@code outcome}: succeeded, failed or censored), as a synchronous API answers; no status check
 * follows. {@code cost}: what the provider reported the create cost, or null. {@code statusUrl}: where the provider
 * said the generation's status is asked (a created generation of a provider that returns one), else null.
 */
public record CreateResult(Kind kind, String providerJobId, Duration retryAfter, String reason, StatusResult outcome,
                           Double cost, String statusUrl) {

    public enum Kind { CREATED, NOT_CREATED_RETRY, REFUSED, UNCONFIRMED, FINISHED }

    public CreateResult(Kind kind, String providerJobId, Duration retryAfter, String reason) {
        this(kind, providerJobId, retryAfter, reason, null, null, null);
    }

    public static CreateResult created(String providerJobId) {
        return new CreateResult(Kind.CREATED, providerJobId, null, null);
    }

    public static CreateResult created(String providerJobId, String statusUrl) {
        return new CreateResult(Kind.CREATED, providerJobId, null, null, null, null, statusUrl);
    }

    /**
     * The generation ended with the create (a synchronous API): {@code outcome} is SUCCEEDED, FAILED or CENSORED;
     * {@code providerJobId} may be null (such APIs often name no generation).
     */
    public static CreateResult finished(String providerJobId, StatusResult outcome) {
        if (outcome.kind() != StatusResult.Kind.SUCCEEDED && outcome.kind() != StatusResult.Kind.FAILED
                && outcome.kind() != StatusResult.Kind.CENSORED) {
            throw new IllegalArgumentException("a create finishes a generation only as succeeded, failed or censored, "
                    + "not " + outcome.kind());
        }
        return new CreateResult(Kind.FINISHED, providerJobId, null, outcome.reason(), outcome, outcome.cost(), null);
    }

    public static CreateResult retryLater(Duration retryAfter, String reason) {
        return new CreateResult(Kind.NOT_CREATED_RETRY, null, retryAfter, reason);
    }

    public static CreateResult unconfirmed(String reason) {
        return new CreateResult(Kind.UNCONFIRMED, null, null, reason);
    }

    /**
     * What an error answer to a create means, for every provider: 429 and 503 refuse before anything is made; 500,
     * 502 and 504 may come after the generation was made (a gateway lost the answer); any other code refuses the
     * request for good.
     */
    public static CreateResult ofError(String provider, HttpReply reply, String message) {
        String reason = reply.reason(provider, message);
        return switch (reply.status()) {
            case 429, 503 -> retryLater(reply.retryAfterDuration(System.currentTimeMillis()), reason);
            case 500, 502, 504 -> unconfirmed(reason);
            default -> refused(reason);
        };
    }

    public static CreateResult refused(String reason) {
        return new CreateResult(Kind.REFUSED, null, null, reason);
    }

    /** The same result with the cost the provider reported (unchanged when {@code cost} is null). */
    public CreateResult withCost(Double cost) {
        return cost == null ? this
                : new CreateResult(kind, providerJobId, retryAfter, reason, outcome, cost, statusUrl);
    }
}
