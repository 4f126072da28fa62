package org.imagegen.routing;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.imagegen.provider.CreateResult;
import org.imagegen.provider.FindResult;
import org.imagegen.provider.StatusResult;

/**
 * The one decision fallback rests on: can the provider a job is at take it? Only its capacity counts — a create
 * refused for now past the wait budget ({@code 429}) or past {@code maxTries} tries (503 and the other "not created,
 * try later" answers), a create refused for want of money or quota ({@code 402}, or a {@code 429} the definition
 * says refuses for good, such as OpenAI's {@code insufficient_quota}), the provider marked down by the operator, or a
 * generation the provider gave up for capacity (a failed status whose reason matches the provider's
 * {@code capacity-failure} pattern). Moderation, invalid input and a generation that failed on its merits are the
 * answer, never a reason to ask another provider. Plain Java: every input is a value.
 */
public class Capacity {

    /** Why a provider cannot take a job: {@code outcome} names the kind (the attempt's outcome), {@code reason} says it. */
    public record Verdict(String outcome, String reason) {
    }

    public static final String RATE_LIMITED = "RATE_LIMITED";
    public static final String UNAVAILABLE = "UNAVAILABLE";
    public static final String NO_QUOTA = "NO_QUOTA";
    public static final String MARKED_DOWN = "MARKED_DOWN";
    public static final String GAVE_UP = "GAVE_UP";

    private final long waitBudgetMs;
    private final int maxTries;
    private final Set<String> down;
    private final Map<String, Pattern> gaveUp;

    public Capacity(Duration waitBudget, int maxTries, Set<String> down, Map<String, Pattern> gaveUp) {
        if (waitBudget.isNegative()) {
            throw new IllegalArgumentException("imagegen.routing.wait-budget must not be negative: " + waitBudget);
        }
        if (maxTries < 1) {
            throw new IllegalArgumentException("imagegen.routing.max-tries must be at least 1, not " + maxTries);
        }
        this.waitBudgetMs = waitBudget.toMillis();
        this.maxTries = maxTries;
        this.down = Set.copyOf(down);
        this.gaveUp = Map.copyOf(gaveUp);
    }

    /**
     * After a create's answer. {@code status}: its HTTP code; {@code tries}: the creates refused for now at this step,
     * this one included; {@code waited}: ms since the first create at this step. Null: it can take it, or the
     * answer is not about capacity (then the job goes on as without a route).
     */
    public Verdict afterCreate(String provider, CreateResult result, int status, int tries, long waited) {
        switch (result.kind()) {
            case NOT_CREATED_RETRY -> {
                if (status == 429) {
                    long asked = result.retryAfter() == null ? 0 : result.retryAfter().toMillis();
                    if (waited + asked > waitBudgetMs) {
                        return new Verdict(RATE_LIMITED, provider + " kept answering 429 (rate limited) past the wait"
                                + " budget of " + Duration.ofMillis(waitBudgetMs) + " (waited " + waited + " ms"
                                + (asked > 0 ? ", asked for " + asked + " ms more" : "") + "): " + result.reason());
                    }
                    return null;
                }
                return tries >= maxTries ? new Verdict(UNAVAILABLE, provider + " refused the create " + tries
                        + " times (" + result.reason() + ")") : null;
            }
            case REFUSED -> {
                // 402: payment required; a 429 that refuses for good (createRefused) is an exhausted quota
                return status == 402 || status == 429 ? new Verdict(NO_QUOTA, provider
                        + " has no credits or quota left: " + result.reason()) : null;
            }
            default -> {
                // created, finished (its outcome is the answer) or maybe created (reconciled first, never skipped)
                return null;
            }
        }
    }

    /**
     * After a search for a create whose answer was lost (a 5xx that may have come after the generation was made):
     * only when the provider said it has no such generation is the refusal safe to count, and {@code tries} creates
     * at this step without one made reach {@code maxTries}.
     */
    public Verdict afterSearch(String provider, FindResult result, int tries) {
        return result.kind() == FindResult.Kind.NOT_FOUND && tries >= maxTries ? new Verdict(UNAVAILABLE, provider
                + " failed the create " + tries + " times, and none was made (searched for each)") : null;
    }

    /** Before a create: a provider the operator marked down (imagegen.routing.down) is not asked. */
    public Verdict beforeCreate(String provider) {
        return down.contains(provider) ? new Verdict(MARKED_DOWN, provider + " is marked down (imagegen.routing.down)")
                : null;
    }

    /** After a status check: a failed generation the provider gave up for capacity (its capacity-failure pattern). */
    public Verdict afterStatus(String provider, StatusResult result) {
        Pattern pattern = gaveUp.get(provider);
        if (pattern == null || result.kind() != StatusResult.Kind.FAILED || result.reason() == null
                || !pattern.matcher(result.reason()).find()) {
            return null;
        }
        return new Verdict(GAVE_UP, provider + " gave the generation up for capacity: " + result.reason());
    }
}
