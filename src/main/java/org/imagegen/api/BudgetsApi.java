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
public class BudgetsApi {

    private final BudgetLedger ledger;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public BudgetsApi(BudgetLedger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    public ApiReply get() throws JsonProcessingException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("whenOver", ledger.budgets().refuses() ? "refuse" : "hold");
        body.put("currency", ledger.conversions().currency());
        body.put("budgets", ledger.status(clock.millis()));
        return ApiReply.json(200, json.writeValueAsString(body));
    }
}
