package org.imagegen.provider.definition;

import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.provider.Estimate;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ProviderCall;

import static org.imagegen.provider.definition.DefinitionValues.blank;
import static org.imagegen.provider.definition.DefinitionValues.required;

/**
 * A defined provider's estimate (docs/adding-a-provider.md, Reported cost): before each create, the create's own body
 * is POSTed to {@code estimatePath}; {@code estimateCost} reads what the create will cost and {@code estimateBalance}
 * (optional) the balance left, both in {@code costUnit}. Switched off by {@code estimate: false}.
 */
record DefinedEstimate(String path, Jq cost, Jq balance) {

    /** The definition's estimate, or null when it declares none or turns it off. */
    static DefinedEstimate of(CreateProperties d) {
        boolean on = DefinitionValues.on(d.getEstimate(), "estimate");
        if (blank(d.getEstimatePath())) {
            return null;
        }
        // compiled even when off: a definition that is broken fails at start, not once it is switched on
        DefinedEstimate estimate = new DefinedEstimate(d.getEstimatePath().strip(),
                Jq.compile("estimateCost", required(d.getEstimateCost(), "estimateCost")),
                Jq.compile("estimateBalance", d.getEstimateBalance()));
        return on ? estimate : null;
    }

    /** The estimate of {@code create}: the same body, POSTed to estimatePath. */
    ProviderCall call(ProviderUrls urls, ProviderCall create) {
        return urls.call("POST", urls.url(path), create.body(), create.idempotencyKey());
    }

    /** The estimate's answer; {@code message} gives an error answer's message. */
    Estimate read(String provider, HttpReply reply, Function<HttpReply, String> message) {
        if (!reply.isSuccess()) {
            return Estimate.failed(provider + " answered the estimate with HTTP " + reply.status() + ": "
                    + message.apply(reply));
        }
        try {
            JsonNode answer = Jq.body(reply);
            Map<String, JsonNode> variables = Jq.answer(reply);
            Double estimated = StatusReader.cost(cost.first(answer, variables));
            if (estimated == null) {
                return Estimate.failed(provider + "'s estimate named no cost (estimateCost): " + reply.bodyExcerpt());
            }
            return Estimate.of(estimated, balance == null ? null : StatusReader.cost(balance.first(answer, variables)));
        } catch (IllegalStateException e) {
            return Estimate.failed(provider + "'s estimate could not be read: " + e.getMessage());
        }
    }
}
