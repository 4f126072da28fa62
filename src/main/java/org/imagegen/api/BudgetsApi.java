package org.imagegen.api;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.spend.BudgetLedger;

/**
 * GET /api/budgets: every budget (imagegen.budgets.*: per provider, overall, per route) with what it has used and has
 * left in its current period, what becomes of a create that would pass one ({@code whenOver}: hold or refuse), and
 * the currency the overall and route budgets are in ({@code currency}, null when none is set).
 */
public record BudgetsApi(BudgetLedger ledger, Clock clock) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ApiReply get() throws JsonProcessingException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("whenOver", ledger.budgets().refuses() ? "refuse" : "hold");
        body.put("currency", ledger.conversions().currency());
        body.put("budgets", ledger.status(clock.millis()));
        return ApiReply.json(200, JSON.writeValueAsString(body));
    }
}
