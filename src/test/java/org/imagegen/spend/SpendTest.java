package org.imagegen.spend;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.support.ApiClient;
import org.imagegen.support.BundleTest;
import org.imagegen.support.Folders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Spend end to end, on the shipped routes/ and config/ with the built-in simulators: Black Forest Labs reports its
 * cost in credits (and wins over a price configured for it); fal and Replicate report none and are recorded at the
 * configured price, per image (a model's own price first) or per generation. Each cost is in the manifest and the API
 * with its source, and imagegen_spend_total on /observe/metrics sums them per provider, model and unit. With a
 * currency set, each cost is also shown converted (a unit price per provider; a cost in the currency as it is) and
 * imagegen_spend_converted_total sums them per provider, model and currency.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.QUICK_CHECKS, Folders.FAST_BUNDLE,
        App.CONFIG}, properties = {
        "imagegen.test.folders=spend",
        "imagegen.api.token=" + SpendTest.TOKEN,
        "imagegen.simulator.duration-min=200ms",
        "imagegen.simulator.duration-max=300ms",
        "imagegen.console.enabled=false",
        "imagegen.providers.bfl.price=9",
        "imagegen.providers.bfl.price-unit=USD",
        "imagegen.providers.fal.price=0.025",
        "imagegen.providers.fal.price-unit=USD",
        "imagegen.providers.fal.price.fal-ai/flux/dev=0.05",
        "imagegen.providers.replicate.price=0.003",
        "imagegen.providers.replicate.price-unit=USD",
        "imagegen.providers.replicate.price-per=generation",
        // one currency: USD prices as they are, a bfl credit at 0.01 USD
        "imagegen.spend.currency=USD",
        "imagegen.providers.bfl.unit-price=0.01"
})
class SpendTest extends BundleTest {

    static final String TOKEN = "spend-test-token-0123456789";

    @Test
    void reportedAndConfiguredCostsReachTheManifestTheApiAndTheSpendSeries() {
        folders.drop("bfl-a.json", """
                {"id": "spend-bfl-a", "provider": "bfl", "prompt": "a red fox", "model": "flux-2-pro"}""");
        folders.drop("bfl-b.json", """
                {"id": "spend-bfl-b", "provider": "bfl", "prompt": "a grey fox", "model": "flux-2-pro"}""");
        folders.drop("fal-schnell.json", """
                {"id": "spend-fal-schnell", "provider": "fal", "prompt": "a lighthouse", "model": "fal-ai/flux/schnell",
                 "count": 2}""");
        folders.drop("fal-dev.json", """
                {"id": "spend-fal-dev", "provider": "fal", "prompt": "a harbour", "model": "fal-ai/flux/dev"}""");
        folders.drop("replicate.json", """
                {"id": "spend-replicate", "provider": "replicate", "prompt": "a kettle",
                 "model": "black-forest-labs/flux-dev", "count": 2}""");

        // reported: flux-2-pro costs 3 credits a task in the simulator; the price configured for bfl is not used
        assertCost(folders.awaitManifest("spend-bfl-a", WAIT), 3.0, "credits", "reported");
        assertCost(folders.awaitManifest("spend-bfl-b", WAIT), 3.0, "credits", "reported");
        // configured: two images at 0.025 USD; the model's own price; one price per generation whatever its images
        JsonNode schnell = folders.awaitManifest("spend-fal-schnell", WAIT);
        assertThat(schnell.path("images")).hasSize(2);
        assertCost(schnell, 0.05, "USD", "configured");
        assertCost(folders.awaitManifest("spend-fal-dev", WAIT), 0.05, "USD", "configured");
        JsonNode replicate = folders.awaitManifest("spend-replicate", WAIT);
        assertThat(replicate.path("images")).hasSize(2);
        assertCost(replicate, 0.003, "USD", "configured");

        ApiClient api = api(TOKEN);
        assertCost(api.awaitState("spend-fal-schnell", "DELIVERED", WAIT), 0.05, "USD", "configured");
        JsonNode bflA = ApiClient.json(api.get("/api/generations/spend-bfl-a"));
        assertCost(bflA, 3.0, "credits", "reported");
        assertThat(bflA.path("cost").path("converted").path("amount").asDouble()).isCloseTo(0.03, within(1e-9));
        assertThat(bflA.path("cost").path("converted").path("currency").asText()).isEqualTo("USD");
        assertThat(schnell.path("cost").path("converted").path("amount").asDouble()).isCloseTo(0.05, within(1e-9));
        assertThat(replicate.path("cost").has("converted")).as("USD is the currency: as it is").isTrue();

        // the series are the store's sums, read at most once a second
        await().atMost(WAIT).untilAsserted(() -> {
            String scrape = ApiClient.text(api.get("/observe/metrics"));
            assertThat(spend(scrape, "flux-2-pro", "bfl", "credits")).isCloseTo(6.0, within(1e-9));
            assertThat(spend(scrape, "fal-ai/flux/schnell", "fal", "USD")).isCloseTo(0.05, within(1e-9));
            assertThat(spend(scrape, "fal-ai/flux/dev", "fal", "USD")).isCloseTo(0.05, within(1e-9));
            assertThat(spend(scrape, "black-forest-labs/flux-dev", "replicate", "USD")).isCloseTo(0.003, within(1e-9));
            assertThat(scrape).doesNotContain("provider=\"bfl\",unit=\"USD\"");
            assertThat(scrape).contains("# TYPE imagegen_spend_total counter");
            assertThat(converted(scrape, "flux-2-pro", "bfl")).isCloseTo(0.06, within(1e-9));
            assertThat(converted(scrape, "fal-ai/flux/dev", "fal")).isCloseTo(0.05, within(1e-9));
            assertThat(scrape).contains("# TYPE imagegen_spend_converted_total counter");
        });
    }

    private static void assertCost(JsonNode job, double amount, String unit, String source) {
        assertThat(job.path("state").asText()).as(job.toPrettyString()).isEqualTo("DELIVERED");
        JsonNode cost = job.path("cost");
        assertThat(cost.path("amount").asDouble()).as(job.toPrettyString()).isCloseTo(amount, within(1e-9));
        assertThat(cost.path("unit").asText()).isEqualTo(unit);
        assertThat(cost.path("source").asText()).isEqualTo(source);
    }

    /** The value of imagegen_spend_converted_total in USD for one provider and model; -1 when there is none. */
    private static double converted(String scrape, String model, String provider) {
        Matcher m = Pattern.compile("^imagegen_spend_converted_total\\{" + Pattern.quote("currency=\"USD\",model=\""
                + model + "\",provider=\"" + provider + "\"") + "[^}]*\\} (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /** The value of imagegen_spend_total for one provider, model and unit; -1 when there is no such series. */
    private static double spend(String scrape, String model, String provider, String unit) {
        Matcher m = Pattern.compile("^imagegen_spend_total\\{" + Pattern.quote("model=\"" + model + "\",provider=\""
                + provider + "\",unit=\"" + unit + "\"") + "[^}]*\\} (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
