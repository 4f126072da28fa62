package org.imagegen.provider;

import java.time.Duration;

/**
 * What a create call came to. {@code CREATED}: the provider has the generation. {@code NOT_CREATED_RETRY}: the
 * provider refused for now (429, 503) and nothing was created. {@code REFUSED}: it will never accept this request.
 * {@code UNCONFIRMED}: the create may or may not have been made (500/502/504, an answer without an id): the job is
 * reconciled with the provider before anything is sent again.
 */
public record CreateResult(Kind kind, String providerJobId, Duration retryAfter, String reason) {

    public enum Kind { CREATED, NOT_CREATED_RETRY, REFUSED, UNCONFIRMED }

    public static CreateResult created(String providerJobId) {
        return new CreateResult(Kind.CREATED, providerJobId, null, null);
    }

    public static CreateResult retryLater(Duration retryAfter, String reason) {
        return new CreateResult(Kind.NOT_CREATED_RETRY, null, retryAfter, reason);
    }

    public static CreateResult unconfirmed(String reason) {
        return new CreateResult(Kind.UNCONFIRMED, null, null, reason);
    }

    public static CreateResult refused(String reason) {
        return new CreateResult(Kind.REFUSED, null, null, reason);
    }
}
