package org.imagegen.provider;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.support.ShippedSimulators;
import org.imagegen.support.Folders;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * RenderNet's cost from RenderNet itself (imagegen.providers.rendernet.estimate, on by default): each create is
 * estimated first with the same body, on the shipped routes/ and config/ against the simulator. The estimate is the
 * job's reported cost and the simulator's balance goes down by exactly those costs; a balance too small fails the job
 * with the figures and no create; an estimate that fails (5xx, malformed, too slow) leaves the job delivered at the
 * configured price. In order: the first test reads the balance, which the others change.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.LOST_ANSWERS, Folders.FAST_BUNDLE,
        App.CONFIG}, properties = {
        "imagegen.test.folders=rn-estimate",
        // what a job is recorded at when its estimate failed
        "imagegen.providers.rendernet.price=1.5",
        "imagegen.providers.rendernet.price-unit=credits",
        // a route whose first provider may be unable to pay: the next step takes the job
        "imagegen.routes.thrifty=rendernet, all-images"
})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RenderNetEstimateTest extends ShippedSimulators {

    @Test
    @Order(1)
    void eachJobCostsWhatTheEstimateSaidAndTheBalanceWentDownByExactlyThat() {
        long before = rendernet.credits();
        folders.drop("batches.jsonl", """
                {"id": "rn-est-1", "provider": "rendernet", "prompt": "one lamp", "count": 1}
                {"id": "rn-est-2", "provider": "rendernet", "prompt": "two lamps", "count": 2}
                {"id": "rn-est-4", "provider": "rendernet", "prompt": "four lamps", "count": 4}
                """);

        double recorded = 0;
        for (String id : List.of("rn-est-1", "rn-est-2", "rn-est-4")) {
            JsonNode manifest = folders.awaitEnded(id, "DELIVERED", WAIT);
            int images = manifest.path("images").size();
            assertCost(manifest, images * RenderNetSimulator.CREDITS_PER_IMAGE, "reported");
            assertThat(rendernet.createsFor(id)).isEqualTo(1);
            assertThat(posts(id, "/pub/v1/generations/estimate")).isEqualTo(1);
            recorded += manifest.path("cost").path("amount").asDouble();
        }
        assertThat(recorded).isEqualTo(7.0);
        assertThat(rendernet.credits()).isEqualTo(before - 7);
    }

    @Test
    @Order(2)
    void aBalanceTooSmallFailsTheJobWithTheFiguresAndNoCreate() {
        JsonNode manifest = runShortOfCredits(2, "rn-est-poor", "rendernet", "three boats", 3, "FAILED");

        assertThat(manifest.path("reason").asText()).isEqualTo("not sent: rendernet: 3 credits needed, 2 left");
        assertThat(manifest.path("cost").path("amount").isMissingNode()
                || manifest.path("cost").path("amount").isNull()).as(manifest.toPrettyString()).isTrue();
        assertThat(posts("rn-est-poor", "/pub/v1/generations/estimate")).isEqualTo(1);
        assertThat(posts("rn-est-poor", "/pub/v1/generations")).as("no create sent, not even a refused one").isZero();
        assertThat(manifest.path("createAttempts").asInt()).as("no create was ever marked as being sent").isZero();
    }

    @Test
    @Order(3)
    void onARouteABalanceTooSmallSendsTheJobToTheNextStepWithoutACreate() {
        // four images: all-images, the next step, always makes four
        JsonNode manifest = runShortOfCredits(3, "rn-est-route", "route:thrifty", "four boats", 4, "DELIVERED");

        assertThat(manifest.path("provider").asText()).isEqualTo("all-images");
        JsonNode left = manifest.path("attempts").get(0);
        assertThat(left.path("provider").asText()).as(manifest.toPrettyString()).isEqualTo("rendernet");
        assertThat(left.path("outcome").asText()).isEqualTo("NO_QUOTA");
        assertThat(left.path("reason").asText()).contains("4 credits needed, 3 left");
        assertThat(posts("rn-est-route", "/pub/v1/generations")).as("no create sent to RenderNet").isZero();
    }

    @Test
    @Order(4)
    void anEstimateThatFailsLeavesTheJobDeliveredAtTheConfiguredPrice() {
        folders.drop("unestimated.jsonl", """
                {"id": "rn-est-500", "provider": "rendernet", "prompt": "sim:estimate-500x1 a kite", "count": 2}
                {"id": "rn-est-malformed", "provider": "rendernet", "prompt": "sim:estimate-malformedx1 a kite", "count": 2}
                {"id": "rn-est-slow", "provider": "rendernet", "prompt": "sim:estimate-slowx1 a kite", "count": 2}
                """);

        for (String id : List.of("rn-est-500", "rn-est-malformed", "rn-est-slow")) {
            JsonNode manifest = folders.awaitEnded(id, "DELIVERED", WAIT);
            assertCost(manifest, 2 * 1.5, "configured");
            assertThat(rendernet.createsFor(id)).isEqualTo(1);
        }
        assertThat(rendernet.injectedFaults()).filteredOn(f -> f.point().equals("estimate")).hasSize(3);
    }

    /**
     * Runs one job ({@link Folders#runJob}) with the simulator's balance at {@code credits}, too few for it: the
     * balance is unspent when the job has ended, and plenty again afterwards.
     */
    private JsonNode runShortOfCredits(long credits, String id, String provider, String prompt, int count,
                                       String state) {
        rendernet.setCredits(credits);
        try {
            JsonNode manifest = folders.runJob(id, provider, prompt, count, state, WAIT);
            assertThat(rendernet.credits()).as("credits left").isEqualTo(credits);
            return manifest;
        } finally {
            rendernet.setCredits(1_000_000);
        }
    }

    /** The POSTs to {@code path} the simulator received for a job key. */
    private long posts(String jobKey, String path) {
        return rendernet.received().calls().stream().filter(c -> c.method().equals("POST") && c.uri().equals(path)
                && jobKey.equals(c.jobKey())).count();
    }

    private static void assertCost(JsonNode job, double amount, String source) {
        JsonNode cost = job.path("cost");
        assertThat(cost.path("amount").asDouble()).as(job.toPrettyString()).isCloseTo(amount, within(1e-9));
        assertThat(cost.path("unit").asText()).isEqualTo("credits");
        assertThat(cost.path("source").asText()).isEqualTo(source);
    }
}
