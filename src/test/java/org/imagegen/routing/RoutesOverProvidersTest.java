package org.imagegen.routing;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.job.JobEvent;
import org.imagegen.job.JobState;
import org.imagegen.simulator.ProviderSimulator;
import org.imagegen.simulator.ReceivedCalls;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.ShippedSimulators;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.imagegen.support.ApiClient.json;

/**
 * Routes over providers end to end: the real routes/ and config/, the provider definitions on their built-in
 * simulators, and routes set as an operator sets them. A job falls over along its route when a provider cannot take
 * it (503s past the tries, a 429 past the wait budget, no quota, a generation given up for capacity), never on
 * moderation and never after a create whose answer was lost; one create is made, at the provider that delivers,
 * and every attempt is in the history, the manifest and the API.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.QUICK_CHECKS, Folders.FAST_BUNDLE,
        App.CONFIG}, properties = {
        "imagegen.test.folders=routing",
        // a route's next step is tried soon after a refusal: checks every 0.15 s, a backoff of at most 0.5 s
        "imagegen.poll.max-backoff=500ms",
        "imagegen.api.port=0",
        "imagegen.api.token=" + RoutesOverProvidersTest.TOKEN,
        "imagegen.console.enabled=false",
        // the routes, as an operator writes them
        "imagegen.routes.fast=bfl, replicate:black-forest-labs/flux-dev, fal",
        "imagegen.routes.quota=openai:gpt-image-1-mini, bfl:flux-dev",
        "imagegen.routes.patient=replicate, bfl",
        "imagegen.routes.leo=leonardo, fal",
        "imagegen.providers.leonardo.route=leo",
        "imagegen.routes.idle=rendernet, bfl",
        "imagegen.routes.images=all-images, bfl",
        "imagegen.routing.down=rendernet",
        "imagegen.routing.max-tries=2",
        "imagegen.routing.wait-budget=1500ms"
})
class RoutesOverProvidersTest extends ShippedSimulators {

    static final String TOKEN = "routing-token-0123456789abcdef";

    @Test
    void refusedCreatesFallOverAlongTheRouteAndOneIsMadeAtTheProviderThatDelivers() {
        JsonNode manifest = folders.runJob("rt-busy", "route:fast", "a busy harbour sim:create-503x2",
                "DELIVERED", WAIT);
        assertThat(manifest.path("provider").asText()).isEqualTo("fal");
        // bfl and Replicate refused twice each (503: nothing made) and were left; fal, the last step, was asked again
        assertThat(creates(bfl, "rt-busy")).as("creates sent to bfl").isEqualTo(2);
        assertThat(creates(replicate, "rt-busy")).as("creates sent to replicate").isEqualTo(2);
        assertThat(creates(fal, "rt-busy")).as("creates sent to fal").isEqualTo(3);
        assertThat(bfl.createsFor("rt-busy") + replicate.createsFor("rt-busy")).as("generations made elsewhere").isZero();
        assertThat(fal.createsFor("rt-busy")).as("one generation made, and paid").isEqualTo(1);
        // the step's own model went to Replicate
        assertThat(replicate.received().calls()).filteredOn(c -> "rt-busy".equals(c.jobKey()))
                .extracting(ReceivedCalls.Call::uri).containsOnly("/v1/models/black-forest-labs/flux-dev/predictions");

        JsonNode attempts = manifest.path("attempts");
        assertThat(attempts).as(attempts.toPrettyString()).hasSize(3);
        assertAttempt(attempts.get(0), "bfl", "flux-pro-1.1", "UNAVAILABLE", "bfl refused the create 2 times");
        assertAttempt(attempts.get(1), "replicate", "black-forest-labs/flux-dev", "UNAVAILABLE",
                "replicate refused the create 2 times");
        assertAttempt(attempts.get(2), "fal", null, "DELIVERED", null);
        assertThat(manifest.path("request").path("route").asText()).isEqualTo("fast");

        List<JobEvent> history = store.history("rt-busy");
        // each refusal is in the history as before; each move to another provider too
        assertThat(history).filteredOn(e -> e.state() == JobState.ACCEPTED && e.detail() != null)
                .extracting(JobEvent::detail).filteredOn(d -> d.endsWith("answered HTTP 503: Service Unavailable"))
                .hasSize(4);
        assertThat(history).filteredOn(e -> e.state() == JobState.ACCEPTED && e.detail() != null)
                .extracting(JobEvent::detail).filteredOn(d -> d.startsWith("route ")).satisfiesExactly(
                        d -> assertThat(d).startsWith("route fast: step 2 of 3, replicate:black-forest-labs/flux-dev,"
                                + " because bfl refused the create 2 times"),
                        d -> assertThat(d).startsWith("route fast: step 3 of 3, fal, because replicate refused"));

        // the manifest reaches the outbox just before the row says DELIVERED
        JsonNode view = await().atMost(WAIT).until(() -> json(api(TOKEN).get("/api/generations/rt-busy")),
                v -> v.path("state").asText().equals("DELIVERED"));
        assertThat(view.path("attempts")).hasSize(3);
        assertThat(view.path("attempts").findValuesAsText("provider")).containsExactly("bfl", "replicate", "fal");
        assertThat(view.path("attempts").findValuesAsText("outcome"))
                .containsExactly("UNAVAILABLE", "UNAVAILABLE", "DELIVERED");
    }

    @Test
    void aRateLimitPastTheWaitBudgetFallsOverAtOnceAndOneWithinItIsWaitedOut() {
        // each 429 asks for 2 s, past the 1.5 s wait budget: bfl and Replicate are left at their first 429; a 429
        // that asks for 1 s is within it: bfl is asked again
        folders.drop("crowd.jsonl", """
                {"id": "rt-crowd", "provider": "route:fast", "prompt": "a crowd sim:create-429x1 sim:retry-after=2"}
                {"id": "rt-queue", "provider": "route:fast", "prompt": "a short queue sim:create-429x1 sim:retry-after=1"}
                """);

        JsonNode manifest = folders.awaitEnded("rt-crowd", "DELIVERED", WAIT);

        assertThat(creates(bfl, "rt-crowd")).isEqualTo(1);
        assertThat(creates(replicate, "rt-crowd")).isEqualTo(1);
        assertThat(fal.createsFor("rt-crowd")).as("fal waited out its 429 and made it").isEqualTo(1);
        assertThat(bfl.createsFor("rt-crowd") + replicate.createsFor("rt-crowd")).isZero();
        assertThat(manifest.path("attempts").findValuesAsText("outcome"))
                .containsExactly("RATE_LIMITED", "RATE_LIMITED", "DELIVERED");
        assertThat(manifest.path("attempts").get(0).path("reason").asText()).contains("past the wait budget of PT1.5S");

        JsonNode waited = folders.awaitEnded("rt-queue", "DELIVERED", WAIT);
        assertThat(creates(bfl, "rt-queue")).as("refused once, then made").isEqualTo(2);
        assertThat(bfl.createsFor("rt-queue")).isEqualTo(1);
        assertThat(creates(replicate, "rt-queue") + creates(fal, "rt-queue")).isZero();
        assertThat(waited.path("attempts").findValuesAsText("outcome")).containsExactly("DELIVERED");
    }

    @Test
    void moderationIsTheAnswerAndNoOtherProviderIsAsked() {
        JsonNode manifest = folders.runJob("rt-censor", "route:fast", "a forbidden picture sim:censor",
                "CENSORED", WAIT);
        assertThat(manifest.path("provider").asText()).isEqualTo("bfl");
        assertThat(bfl.createsFor("rt-censor")).isEqualTo(1);
        assertThat(creates(replicate, "rt-censor") + creates(fal, "rt-censor")).as("nobody else asked").isZero();
        assertThat(manifest.path("attempts")).hasSize(1);
        assertAttempt(manifest.path("attempts").get(0), "bfl", "flux-pro-1.1", "CENSORED", "BFL: Content Moderated");
        // the manifest is written just before the row: the API says CENSORED a moment later
        await().atMost(WAIT).untilAsserted(() -> assertThat(json(api(TOKEN).get("/api/generations/rt-censor"))
                .path("attempts").findValuesAsText("outcome")).containsExactly("CENSORED"));
    }

    @Test
    void anExhaustedQuotaFallsOverAtOnceToTheNextStepsModel() {
        JsonNode manifest = folders.runJob("rt-quota", "route:quota", "a budget sim:no-quota", "DELIVERED", WAIT);
        assertThat(creates(openai, "rt-quota")).as("refused once, never sent again").isEqualTo(1);
        assertThat(openai.createsFor("rt-quota")).isZero();
        assertThat(bfl.createsFor("rt-quota")).isEqualTo(1);
        assertThat(bfl.received().calls()).filteredOn(c -> "rt-quota".equals(c.jobKey()))
                .extracting(ReceivedCalls.Call::uri).containsExactly("/v1/flux-dev");
        JsonNode attempts = manifest.path("attempts");
        assertAttempt(attempts.get(0), "openai", "gpt-image-1-mini", "NO_QUOTA", "openai has no credits or quota left");
        assertAttempt(attempts.get(1), "bfl", "flux-dev", "DELIVERED", null);
        assertThat(attempts.get(1).path("cost").path("unit").asText()).as("what bfl reported").isEqualTo("credits");
    }

    @Test
    void aGenerationTheProviderGaveUpForCapacityFallsOver() {
        JsonNode manifest = folders.runJob("rt-aborted", "route:patient", "a long queue sim:aborted",
                "DELIVERED", WAIT);
        assertThat(replicate.createsFor("rt-aborted")).as("aborted before it started").isEqualTo(1);
        assertThat(bfl.createsFor("rt-aborted")).isEqualTo(1);
        assertThat(manifest.path("attempts").findValuesAsText("outcome")).containsExactly("GAVE_UP", "DELIVERED");
        assertThat(manifest.path("attempts").get(0).path("reason").asText()).contains("aborted by Replicate");
    }

    @Test
    void aCreateWhoseAnswerWasLostIsSettledAtItsProviderNeverSentElsewhere() {
        // bfl cannot be searched for it: a person decides, and nothing is sent to another provider meanwhile
        JsonNode manifest = folders.runJob("rt-lost", "route:fast", "a lost letter sim:create-lost",
                "NEEDS_ATTENTION", WAIT);
        assertThat(bfl.createsFor("rt-lost")).isEqualTo(1);
        assertThat(creates(replicate, "rt-lost") + creates(fal, "rt-lost")).isZero();
        assertThat(manifest.path("attempts").findValuesAsText("outcome")).containsExactly("NEEDS_ATTENTION");
    }

    /**
     * A 500 to a create may come after the generation was made: all-images is searched for it each time, and only once
     * it has failed as many creates as the tries allow, none of them made, is it left. bfl, which cannot be searched,
     * fails its first create the same way: the job is parked there, not sent to a third provider.
     */
    @Test
    void aFailedCreateIsSearchedForBeforeTheJobMovesAndParkedWhereItCannotBe() {
        JsonNode manifest = folders.runJob("rt-garden", "route:images", "a walled garden sim:create-500x2",
                "NEEDS_ATTENTION", WAIT);
        assertThat(creates(allImages, "rt-garden")).as("creates sent to all-images").isEqualTo(2);
        assertThat(allImages.received().calls()).as("searched for after each")
                .filteredOn(c -> c.method().equals("GET") && c.uri().contains("tag=imagegen-rt-garden")).hasSize(2);
        assertThat(creates(bfl, "rt-garden")).as("bfl's one create, unsettled").isEqualTo(1);
        assertThat(allImages.createsFor("rt-garden") + bfl.createsFor("rt-garden")).as("nothing made").isZero();
        assertThat(manifest.path("attempts").findValuesAsText("outcome")).containsExactly("UNAVAILABLE", "NEEDS_ATTENTION");
        assertThat(manifest.path("attempts").get(0).path("reason").asText())
                .isEqualTo("all-images failed the create 2 times, and none was made (searched for each)");
    }

    @Test
    void aProvidersDefaultRouteIsTakenByRequestsThatNameTheProvider() {
        JsonNode manifest = folders.runJob("rt-leo", "leonardo", "a lighthouse sim:create-503x2", "DELIVERED", WAIT);
        assertThat(manifest.path("request").path("route").asText()).isEqualTo("leo");
        assertThat(creates(leonardo, "rt-leo")).isEqualTo(2);
        assertThat(leonardo.createsFor("rt-leo")).isZero();
        assertThat(fal.createsFor("rt-leo")).isEqualTo(1);
        assertThat(manifest.path("attempts").findValuesAsText("provider")).containsExactly("leonardo", "fal");
    }

    @Test
    void aProviderMarkedDownIsNotAsked() {
        JsonNode manifest = folders.runJob("rt-down", "route:idle", "a quiet street", "DELIVERED", WAIT);
        assertThat(creates(rendernet, "rt-down")).isZero();
        assertThat(bfl.createsFor("rt-down")).isEqualTo(1);
        assertAttempt(manifest.path("attempts").get(0), "rendernet", "JuggernautXL", "MARKED_DOWN",
                "rendernet is marked down (imagegen.routing.down)");
        assertAttempt(manifest.path("attempts").get(1), "bfl", "flux-pro-1.1", "DELIVERED", null);
    }

    @Test
    void aRequestThatNamesABadRouteOrDoesNotSuitEveryStepIsRejectedNamingTheField() {
        folders.drop("bad.jsonl", """
                {"id": "rt-nowhere", "provider": "route:nowhere", "prompt": "a map"}
                {"id": "rt-model", "provider": "route:fast", "prompt": "a map", "model": "flux-dev"}
                {"id": "rt-count", "provider": "route:patient", "prompt": "a flock", "count": 2}
                {"id": "rt-fine", "provider": "route:patient", "prompt": "a single bird"}
                """);

        folders.awaitEnded("rt-fine", "DELIVERED", WAIT);
        folders.awaitRejectedField("bad.jsonl", WAIT);
        JsonNode errors = Folders.readJson(folders.rejected("bad.jsonl.error.json"));

        JsonNode problems = errors.path("problems");
        assertThat(problems).as(errors.toPrettyString()).hasSize(3);
        assertThat(problems.get(0).path("id").asText()).isEqualTo("rt-nowhere");
        assertThat(problems.get(0).path("field").asText()).isEqualTo("provider");
        assertThat(problems.get(0).path("message").asText()).startsWith("unknown route 'nowhere'; configured routes:"
                + " [fast, idle, images, leo, patient, quota]");
        assertThat(problems.get(1).path("id").asText()).isEqualTo("rt-model");
        assertThat(problems.get(1).path("field").asText()).isEqualTo("model");
        assertThat(problems.get(2).path("id").asText()).isEqualTo("rt-count");
        assertThat(problems.get(2).path("field").asText()).isEqualTo("count");
        assertThat(problems.get(2).path("message").asText()).startsWith("route 'patient' step 2 (bfl): ");
        assertThat(store.find("rt-count")).isEmpty();
    }

    private static void assertAttempt(JsonNode attempt, String provider, String model, String outcome, String reason) {
        assertThat(attempt.path("provider").asText()).as(attempt.toPrettyString()).isEqualTo(provider);
        if (model != null) {
            assertThat(attempt.path("model").asText()).as(attempt.toPrettyString()).isEqualTo(model);
        }
        assertThat(attempt.path("outcome").asText()).as(attempt.toPrettyString()).isEqualTo(outcome);
        if (reason == null) {
            assertThat(attempt.path("reason").isNull()).as(attempt.toPrettyString()).isTrue();
        } else {
            assertThat(attempt.path("reason").asText()).as(attempt.toPrettyString()).startsWith(reason);
        }
    }

    /** Creates the simulator was sent for the job (made or refused): POSTs carrying its key. */
    private static long creates(ProviderSimulator simulator, String jobKey) {
        return simulator.received().createCalls(jobKey).size();
    }
}
