package org.imagegen.simulator;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The RenderNet simulator's credits over HTTP, as the contract describes them: each create debits the balance and
 * its answer's credits_remaining says what is left; the estimate endpoint says what a body would cost (its envelope
 * says "error"); a create the balance cannot pay is refused with 402 and debits nothing.
 */
class RenderNetSimulatorTest {

    private final SimulatorHttp http = new SimulatorHttp();
    @AutoClose
    private final RenderNetSimulator rendernet = SimulatorHttp.started(new RenderNetSimulator(SimulatorHttp.quick()));

    @BeforeEach
    void credits() {
        rendernet.setCredits(10);
    }

    private SimulatorHttp.Answer post(String path, int batch) throws Exception {
        return http.post(rendernet.baseUrl() + "/pub/v1/generations" + path, SimulatorHttp.json(List.of(Map.of(
                "prompt", Map.of("positive", "a fox"), "aspect_ratio", "1:1", "batch_size", batch))),
                "X-API-KEY", "simulated");
    }

    @Test
    void createsDebitTheBalanceThatCreditsRemainingReports() throws Exception {
        JsonNode estimate = post("/estimate", 3).json();
        assertThat(estimate.path("data").path("estimated").asLong()).isEqualTo(3 * RenderNetSimulator.CREDITS_PER_IMAGE);
        assertThat(estimate.path("data").path("balance").asLong()).isEqualTo(10);
        assertThat(estimate.has("error")).isTrue();
        assertThat(rendernet.credits()).as("an estimate debits nothing").isEqualTo(10);

        SimulatorHttp.Answer first = post("", 3);
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().path("data").path("credits_remaining").asLong()).isEqualTo(7);
        SimulatorHttp.Answer second = post("", 4);
        assertThat(second.json().path("data").path("credits_remaining").asLong()).isEqualTo(3);

        SimulatorHttp.Answer refused = post("", 4);
        assertThat(refused.status()).isEqualTo(402);
        assertThat(refused.json().path("err").path("message").asText()).contains("credits");
        assertThat(rendernet.credits()).isEqualTo(3);
    }
}
