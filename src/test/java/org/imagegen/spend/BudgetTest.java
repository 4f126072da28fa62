package org.imagegen.spend;

import java.time.Duration;
import java.util.Arrays;

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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Budgets end to end, on the shipped routes/ and config/ with fal's simulator (it reports no cost: a configured price
 * of 1 USD an image). A job that ends uncharged frees its reservation; a budget of two creates lets exactly two
 * through and holds the others, visibly (the API, the metrics), weighed again but never sent; raised, it lets exactly
 * one more through; with when-over=refuse the job over budget fails at once, its reason naming the budget.
 */
@ExtendWith(PostgresJobStore.class)
class BudgetTest {

    private static final String TOKEN = "budget-test-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String[] HELD = {"budget-held-1", "budget-held-2", "budget-held-3"};

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
    void aBudgetOfTwoCreatesHoldsTheRestUntilItAllowsThem() throws Exception {
        Folders folders = new Folders("budget-hold").clean();
        try (RunningBundle bundle = RunningBundle.start(settings(folders))) {
            ProviderSimulator fal = Simulated.simulator(bundle.context(), "fal", ProviderSimulator.class);
            ApiClient api = ApiClient.of(bundle, TOKEN);
            // one fails (uncharged: fal is paid per image delivered), one is delivered: 1 of the 2 USD spent
            folders.drop("failing.json", request("budget-failing", "a kite sim:fail"));
            folders.drop("paid.json", request("budget-paid", "a boat"));
            assertThat(folders.awaitManifest("budget-failing", WAIT).path("state").asText()).isEqualTo("FAILED");
            assertThat(folders.awaitManifest("budget-paid", WAIT).path("cost").path("amount").asDouble())
                    .isCloseTo(1.0, within(1e-9));

            // the failed job freed its reservation: one more create fits, the other two are held
            for (String id : HELD) {
                folders.drop(id + ".json", request(id, "a tree"));
            }
            await().atMost(WAIT).until(() -> Arrays.stream(HELD).filter(id -> state(api, id).equals("HELD_BUDGET"))
                    .count() == 2 && Arrays.stream(HELD).mapToInt(fal::createsFor).sum() == 1);
            String sent = Arrays.stream(HELD).filter(id -> fal.createsFor(id) == 1).findFirst().orElseThrow();
            assertThat(folders.awaitManifest(sent, WAIT).path("state").asText()).isEqualTo("DELIVERED");
            String held = Arrays.stream(HELD).filter(id -> !id.equals(sent)).findFirst().orElseThrow();
            assertThat(ApiClient.json(api.get("/api/generations/" + held)).path("reason").asText())
                    .isEqualTo("held: budget imagegen.budgets.fal.per-day (2 USD) would be passed: 2 spent or "
                            + "reserved this day, this create 1");

            // weighed again since (its next weighing moved on), never sent
            String nextWeighing = nextCheck(api, held);
            await().atMost(WAIT).until(() -> !nextCheck(api, held).equals(nextWeighing));
            assertThat(Arrays.stream(HELD).filter(id -> state(api, id).equals("HELD_BUDGET")).count()).isEqualTo(2);
            assertThat(Arrays.stream(HELD).mapToInt(fal::createsFor).sum()).isEqualTo(1);

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
        }

        // the budget raised by one create (budgets are read at start): exactly one of the held jobs is sent
        try (RunningBundle bundle = RunningBundle.start(settings(folders, "imagegen.budgets.fal.per-day=3"))) {
            ProviderSimulator fal = Simulated.simulator(bundle.context(), "fal", ProviderSimulator.class);
            ApiClient api = ApiClient.of(bundle, TOKEN);
            await().atMost(WAIT).until(() -> Arrays.stream(HELD).filter(id -> state(api, id).equals("DELIVERED"))
                    .count() == 2);
            String held = Arrays.stream(HELD).filter(id -> state(api, id).equals("HELD_BUDGET")).findFirst()
                    .orElseThrow();
            String nextWeighing = nextCheck(api, held);
            await().atMost(WAIT).until(() -> !nextCheck(api, held).equals(nextWeighing));
            assertThat(state(api, held)).isEqualTo("HELD_BUDGET");
            assertThat(Arrays.stream(HELD).mapToInt(fal::createsFor).sum()).as("creates by the new bundle").isEqualTo(1);
        }
    }

    @Test
    void whenOverRefuseFailsTheJobNamingTheBudget() throws Exception {
        Folders folders = new Folders("budget-refuse").clean();
        // a store of its own under -Dimagegen.test.db=postgres: the other test's spend at fal today is not this one's
        try (AutoCloseable store = PostgresJobStore.ownSchema("budget_refuse");
             RunningBundle bundle = RunningBundle.start(settings(folders, "imagegen.budgets.when-over=refuse",
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

    /** Every provider of the bundle at 1 USD an image, in USD (an overall budget covers them all). */
    private static final String[] ALL_AT_ONE_USD = java.util.stream.Stream.of("all-images", "bfl", "fal", "leonardo",
                    "openai", "rendernet", "replicate")
            .flatMap(p -> java.util.stream.Stream.of("imagegen.providers." + p + ".price=1",
                    "imagegen.providers." + p + ".price-unit=USD"))
            .toArray(String[]::new);

    @Test
    void anOverallAndARouteBudgetInTheCurrencyHoldCreatesAcrossProviders() throws Exception {
        Folders folders = new Folders("budget-overall").clean();
        String[] settings = java.util.stream.Stream.concat(Arrays.stream(ALL_AT_ONE_USD), Arrays.stream(new String[]{
                "imagegen.spend.currency=USD",
                "imagegen.budgets.overall.per-day=3",
                "imagegen.routes.cheap=replicate, fal",
                "imagegen.budgets.route.cheap.per-day=1"})).toArray(String[]::new);
        try (AutoCloseable store = PostgresJobStore.ownSchema("budget_overall");
             RunningBundle bundle = RunningBundle.start(settings(folders, settings))) {
            ApiClient api = ApiClient.of(bundle, TOKEN);
            // the route's budget: one create on it, the second held though the overall budget has room
            folders.drop("route-1.json", "{\"id\": \"route-1\", \"provider\": \"route:cheap\", \"prompt\": \"a cup\"}");
            assertThat(folders.awaitManifest("route-1", WAIT).path("state").asText()).isEqualTo("DELIVERED");
            folders.drop("route-2.json", "{\"id\": \"route-2\", \"provider\": \"route:cheap\", \"prompt\": \"a jug\"}");
            await().atMost(WAIT).until(() -> state(api, "route-2").equals("HELD_BUDGET"));
            assertThat(ApiClient.json(api.get("/api/generations/route-2")).path("reason").asText())
                    .isEqualTo("held: budget imagegen.budgets.route.cheap.per-day (1 USD) would be passed: 1 spent "
                            + "or reserved this day, this create 1");

            // the overall budget over two providers: 1 spent on the route, one bfl and one fal create fit, a third not
            folders.drop("bfl.json", "{\"id\": \"overall-bfl\", \"provider\": \"bfl\", \"prompt\": \"a fox\"}");
            assertThat(folders.awaitManifest("overall-bfl", WAIT).path("state").asText()).isEqualTo("DELIVERED");
            folders.drop("fal.json", "{\"id\": \"overall-fal\", \"provider\": \"fal\", \"prompt\": \"a owl\"}");
            assertThat(folders.awaitManifest("overall-fal", WAIT).path("state").asText()).isEqualTo("DELIVERED");
            folders.drop("over.json", "{\"id\": \"overall-over\", \"provider\": \"fal\", \"prompt\": \"a bat\"}");
            await().atMost(WAIT).until(() -> state(api, "overall-over").equals("HELD_BUDGET"));
            assertThat(ApiClient.json(api.get("/api/generations/overall-over")).path("reason").asText())
                    .startsWith("held: budget imagegen.budgets.overall.per-day (3 USD) would be passed: 3 spent");

            JsonNode budgets = ApiClient.json(api.get("/api/budgets"));
            assertThat(budgets.path("currency").asText()).isEqualTo("USD");
            assertThat(budgets.path("budgets")).extracting(b -> b.path("setting").asText() + " " + b.path("scope")
                    .asText() + " " + b.path("used").asDouble() + "/" + b.path("limit").asDouble())
                    .containsExactly("imagegen.budgets.fal.per-day provider 1.0/2.0",
                            "imagegen.budgets.fal.per-month provider 1.0/1000.0",
                            "imagegen.budgets.overall.per-day overall 3.0/3.0",
                            "imagegen.budgets.route.cheap.per-day route 1.0/1.0");
            await().atMost(WAIT).untilAsserted(() -> {
                String scrape = ApiClient.text(api.get("/observe/metrics"));
                assertThat(scrape).contains("imagegen_budget_overall_used{currency=\"USD\",period=\"day\"} 3.0");
                assertThat(scrape).contains("imagegen_budget_route_limit{currency=\"USD\",period=\"day\",route=\"cheap\"} 1.0");
            });
        }
    }

    @Test
    void anOverallBudgetOverAProviderWithoutAPriceInTheCurrencyStopsTheStart() {
        Folders folders = new Folders("budget-unpriced").clean();
        assertThatThrownBy(() -> RunningBundle.start(settings(folders, "imagegen.spend.currency=USD",
                "imagegen.budgets.overall.per-month=100")).close())
                .hasStackTraceContaining("imagegen.budgets.overall.per-month: covers all-images, which has no price "
                        + "to weigh a create by before it is sent: set imagegen.providers.all-images.price");
    }

    private static String nextCheck(ApiClient api, String id) {
        return ApiClient.json(api.get("/api/generations/" + id)).path("times").path("nextCheck").asText();
    }

    private static String state(ApiClient api, String id) {
        return ApiClient.json(api.get("/api/generations/" + id)).path("state").asText();
    }
}
