package org.imagegen.spend;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.simulator.ProviderSimulator;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.imagegen.support.Simulated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Budgets end to end, on the shipped routes/ and config/ with fal's simulator (it reports no cost: a configured price
 * of 1 USD an image). A budget of two creates lets exactly two through and holds the others, visibly (the API, the
 * metrics); a held job is sent once a job ends uncharged and frees its reservation, and no sooner; with
 * when-over=refuse the job over budget fails at once, its reason naming the budget.
 */
@ExtendWith(PostgresJobStore.class)
class BudgetTest {

    private static final String TOKEN = "budget-test-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(40);

    private static String[] settings(Folders folders, String... extra) {
        String[] budget = {
                "imagegen.api.token=" + TOKEN,
                "imagegen.api.port=0",
                "imagegen.management.enabled=false",
                "imagegen.providers.fal.price=1",
                "imagegen.providers.fal.price-unit=USD",
                "imagegen.budgets.fal.per-day=2",
                "imagegen.budgets.fal.per-month=1000",
                "imagegen.budgets.recheck=200ms"};
        String[] all = new String[budget.length + extra.length];
        System.arraycopy(budget, 0, all, 0, budget.length);
        System.arraycopy(extra, 0, all, budget.length, extra.length);
        return folders.fastBundle(all);
    }

    private static String request(String id, String prompt) {
        return "{\"id\": \"" + id + "\", \"provider\": \"fal\", \"prompt\": \"" + prompt + "\", \"count\": 1}";
    }

    @Test
    void aBudgetOfTwoCreatesHoldsTheRestUntilAJobEndsUncharged() throws Exception {
        Folders folders = new Folders("budget-hold").clean();
        try (RunningBundle bundle = RunningBundle.start(settings(folders))) {
            ProviderSimulator fal = Simulated.simulator(bundle.context(), "fal", ProviderSimulator.class);
            ApiClient api = ApiClient.of(bundle, TOKEN);
            // one that fails after a while (uncharged: fal is paid per image delivered), one that succeeds
            folders.drop("failing.json", request("budget-failing", "a kite sim:fail sim:ms=4000"));
            folders.drop("paid.json", request("budget-paid", "a boat"));
            await().atMost(WAIT).until(() -> fal.createsFor("budget-failing") + fal.createsFor("budget-paid") == 2);

            folders.drop("held-1.json", request("budget-held-1", "a tree"));
            folders.drop("held-2.json", request("budget-held-2", "a bird"));
            await().atMost(WAIT).until(() -> state(api, "budget-held-1").equals("HELD_BUDGET")
                    && state(api, "budget-held-2").equals("HELD_BUDGET"));
            JsonNode held = ApiClient.json(api.get("/api/generations/budget-held-1"));
            assertThat(held.path("reason").asText()).startsWith("held: budget imagegen.budgets.fal.per-day (2 USD) "
                    + "would be passed: 2 spent or reserved this day, this create 1");
            assertThat(state(api, "budget-failing")).as("still running: its reservation stands")
                    .isIn("SUBMITTED", "RUNNING");
            assertThat(fal.createsFor("budget-held-1") + fal.createsFor("budget-held-2")).isZero();

            JsonNode budgets = ApiClient.json(api.get("/api/budgets"));
            assertThat(budgets.path("whenOver").asText()).isEqualTo("hold");
            JsonNode day = budgets.path("budgets").get(0);
            assertThat(day.path("setting").asText()).isEqualTo("imagegen.budgets.fal.per-day");
            assertThat(day.path("limit").asDouble()).isEqualTo(2.0);
            assertThat(day.path("used").asDouble()).isEqualTo(2.0);
            assertThat(day.path("remaining").asDouble()).isZero();
            await().atMost(WAIT).untilAsserted(() -> {
                String scrape = ApiClient.text(api.get("/observe/metrics"));
                assertThat(scrape).contains("imagegen_budget_limit{period=\"day\",provider=\"fal\",unit=\"USD\"} 2.0");
                assertThat(scrape).contains("imagegen_budget_used{period=\"day\",provider=\"fal\",unit=\"USD\"} 2.0");
                assertThat(scrape).contains("imagegen_jobs{provider=\"fal\",state=\"HELD_BUDGET\"} 2.0");
            });

            // the failed generation frees its reservation: one held job goes (the paid one's cost, 1, stays spent)
            assertThat(folders.awaitManifest("budget-failing", WAIT).path("state").asText()).isEqualTo("FAILED");
            await().atMost(WAIT).until(() -> fal.createsFor("budget-held-1") + fal.createsFor("budget-held-2") == 1);
            String sent = fal.createsFor("budget-held-1") == 1 ? "budget-held-1" : "budget-held-2";
            String stillHeld = sent.equals("budget-held-1") ? "budget-held-2" : "budget-held-1";
            assertThat(folders.awaitManifest(sent, WAIT).path("state").asText()).isEqualTo("DELIVERED");
            assertThat(folders.awaitManifest("budget-paid", WAIT).path("cost").path("amount").asDouble())
                    .isCloseTo(1.0, within(1e-9));
            // weighed again since (its next weighing moved on), never sent: 2 of 2 USD spent today
            String nextWeighing = nextCheck(api, stillHeld);
            await().atMost(WAIT).until(() -> !nextCheck(api, stillHeld).equals(nextWeighing));
            assertThat(state(api, stillHeld)).isEqualTo("HELD_BUDGET");
            assertThat(ApiClient.json(api.get("/api/generations/" + stillHeld)).path("reason").asText())
                    .contains("2 spent or reserved this day");
            assertThat(fal.createsFor(stillHeld)).isZero();
            assertThat(fal.createsFor("budget-failing") + fal.createsFor("budget-paid") + fal.createsFor(sent))
                    .isEqualTo(3);
        }
    }

    @Test
    void whenOverRefuseFailsTheJobNamingTheBudget() throws Exception {
        Folders folders = new Folders("budget-refuse").clean();
        try (RunningBundle bundle = RunningBundle.start(settings(folders, "imagegen.budgets.when-over=refuse",
                "imagegen.budgets.fal.per-day=1"))) {
            ProviderSimulator fal = Simulated.simulator(bundle.context(), "fal", ProviderSimulator.class);
            folders.drop("first.json", request("refuse-first", "a cup"));
            assertThat(folders.awaitManifest("refuse-first", WAIT).path("state").asText()).isEqualTo("DELIVERED");
            folders.drop("second.json", request("refuse-second", "a jug"));
            JsonNode refused = folders.awaitManifest("refuse-second", WAIT);
            assertThat(refused.path("state").asText()).isEqualTo("FAILED");
            assertThat(refused.path("reason").asText()).isEqualTo("not sent: budget imagegen.budgets.fal.per-day "
                    + "(1 USD) would be passed: 1 spent or reserved this day, this create 1");
            assertThat(fal.createsFor("refuse-second")).isZero();
            assertThat(fal.createsFor("refuse-first")).isEqualTo(1);
        }
    }

    private static String nextCheck(ApiClient api, String id) {
        return ApiClient.json(api.get("/api/generations/" + id)).path("times").path("nextCheck").asText();
    }

    private static String state(ApiClient api, String id) {
        return ApiClient.json(api.get("/api/generations/" + id)).path("state").asText();
    }
}
