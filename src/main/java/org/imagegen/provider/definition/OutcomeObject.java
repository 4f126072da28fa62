package org.imagegen.provider.definition;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.provider.StatusResult;

/**
 * Reading a definition's outcome object ({@code {"state", "images", "reason", "cost", ...}}, docs/adding-a-provider.md)
 * where the engine needs it besides the status check: the end of a generation a synchronous create answered with
 * ({@code createOutcome}), and the cost any outcome may carry.
 */
final class OutcomeObject {

    private OutcomeObject() {
    }

    /** The outcome's state in lower case, "" when it names none. */
    static String state(JsonNode outcome) {
        return outcome == null ? "" : outcome.path("state").asText("").toLowerCase(Locale.ROOT);
    }

    /**
     * The generation's end when the outcome says it ended ({@code succeeded}, {@code failed}, {@code censored}), with
     * its cost; null for any other state (still queued or running, unknown, no object). Images may be URLs or
     * {@code data:} URIs; succeeded without one fails the job, as at a status check.
     */
    static StatusResult finished(String provider, JsonNode outcome) {
        String reason = outcome.path("reason").isValueNode() && !outcome.path("reason").isNull()
                ? outcome.path("reason").asText() : null;
        StatusResult result = switch (state(outcome)) {
            case "succeeded" -> {
                List<String> images = images(outcome);
                yield images.isEmpty() ? StatusResult.failed(provider + " reported success without an image", false)
                        : StatusResult.succeeded(images);
            }
            case "failed" -> StatusResult.failed(reason != null ? reason : provider + " reported the generation failed",
                    false);
            case "censored" -> StatusResult.censored(reason != null ? reason : provider + " refused the content");
            default -> null;
        };
        return result == null ? null : result.withCost(cost(outcome.path("cost")));
    }

    static List<String> images(JsonNode outcome) {
        List<String> images = new ArrayList<>();
        outcome.path("images").forEach(i -> {
            if (i.isTextual() && !i.asText().isBlank()) {
                images.add(i.asText());
            }
        });
        return images;
    }

    /**
     * A reported cost: a number (or a number written as text) that is finite and not negative; null for anything
     * else, so a provider's missing or odd field never fails a job.
     */
    static Double cost(JsonNode cost) {
        if (cost == null || cost.isNull() || cost.isMissingNode()) {
            return null;
        }
        double amount;
        if (cost.isNumber()) {
            amount = cost.asDouble();
        } else if (cost.isTextual()) {
            try {
                amount = Double.parseDouble(cost.asText().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null;
        }
        return Double.isFinite(amount) && amount >= 0 ? amount : null;
    }
}
