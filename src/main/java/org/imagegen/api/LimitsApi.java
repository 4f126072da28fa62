package org.imagegen.api;

import java.time.Clock;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.limit.LimitLedger;

/**
 * GET /api/limits: each provider with a limit (imagegen.providers.&lt;name&gt;.max-concurrent, .creates-per-minute)
 * beside what it counts now across every instance: its generations in flight, its creates in the last 60 s, and a
 * pause a 429 asked for.
 */
public record LimitsApi(LimitLedger ledger, Clock clock) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ApiReply get() throws JsonProcessingException {
        return ApiReply.json(200, JSON.writeValueAsString(Map.of("limits", ledger.status(clock.millis()))));
    }
}
