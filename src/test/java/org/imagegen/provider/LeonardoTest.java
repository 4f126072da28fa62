package org.imagegen.provider;

import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.simulator.LeonardoSimulator;
import org.imagegen.simulator.ReceivedCalls;
import org.imagegen.support.ApiClient;
import org.imagegen.support.FaultMatrix;
import org.imagegen.support.Folders;
import org.imagegen.support.ShippedSimulators;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leonardo.Ai end to end, offline: routes/providers/leonardo.camel.yaml as shipped, run against its built-in
 * simulator (imagegen.simulate=true), from a request file or the HTTP API to the outbox and manifest. What the
 * simulator received is the evidence: the create's own fields, which calls carried the key, and how many paid
 * creates each job key made.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {"classpath:provider-end-to-end.properties",
        Folders.QUICK_CHECKS, Folders.FAST_BUNDLE, App.CONFIG}, properties = {
        "imagegen.test.folders=leonardo",
        "imagegen.api.token=leonardo-test-token-0123456789"
})
class LeonardoTest extends ShippedSimulators {

    private static final String KINO = "aa77f04e-3eec-4034-9c07-d0f619684628";

    @Test
    void aRequestReachesLeonardoAsItsOwnFieldsAndEveryImageIsDelivered() {
        folders.drop("fox.json", """
                {"id": "leo-fox", "provider": "leonardo", "prompt": "a red fox in snow", "model": "%s",
                 "aspectRatio": "16:9", "count": 3, "seed": 7, "negativePrompt": "blurry, text",
                 "options": {"alchemy": true}}""".formatted(KINO));

        JsonNode manifest = folders.awaitEnded("leo-fox", "DELIVERED", WAIT);

        assertThat(manifest.path("images")).hasSize(3);
        for (JsonNode image : manifest.path("images")) {
            assertThat(folders.outbox.resolve("leo-fox").resolve(image.path("file").asText())).isNotEmptyFile();
            assertThat(image.path("sourceUrl").asText()).startsWith("http://" + LeonardoSimulator.IMAGE_HOST + ":"
                    + leonardo.port() + "/users/");
        }
        // 3 images of 1280x720 (under a megapixel): one credit each, as Leonardo's apiCreditCost reports it
        assertThat(manifest.path("cost").path("amount").asDouble()).isEqualTo(3.0);
        assertThat(manifest.path("cost").path("unit").asText()).isEqualTo("credits");

        List<JsonNode> creates = leonardo.received().creates("leo-fox");
        assertThat(creates).hasSize(1);
        JsonNode body = creates.get(0);
        assertThat(body.path("prompt").asText()).isEqualTo("a red fox in snow");
        assertThat(body.path("negative_prompt").asText()).isEqualTo("blurry, text");
        assertThat(body.path("modelId").asText()).isEqualTo(KINO);
        assertThat(body.path("width").asInt()).isEqualTo(1280);
        assertThat(body.path("height").asInt()).isEqualTo(720);
        assertThat(body.path("num_images").asInt()).isEqualTo(3);
        assertThat(body.path("seed").asLong()).isEqualTo(7);
        assertThat(body.path("alchemy").asBoolean()).isTrue();
        assertThat(leonardo.createsFor("leo-fox")).isEqualTo(1);

        // the key with every call to the API host, never with a call to the image host
        assertKeyOnlyToTheApi(leonardo);
    }

    @Test
    void aRequestOverTheApiShowsItsCostInCredits() {
        ApiClient api = api("leonardo-test-token-0123456789");
        HttpResponse<byte[]> accepted = api.post("/api/generations", """
                {"id": "leo-api", "provider": "leonardo", "prompt": "two lanterns", "aspectRatio": "1:1",
                 "count": 2}""");
        assertThat(accepted.statusCode()).as(new String(accepted.body())).isEqualTo(202);

        JsonNode job = api.awaitState("leo-api", "DELIVERED", WAIT);
        // 2 images of 1024x1024 (just over a megapixel): two credits each
        assertThat(job.path("cost").path("amount").asDouble()).isEqualTo(4.0);
        assertThat(job.path("cost").path("unit").asText()).isEqualTo("credits");
        assertThat(job.path("images")).hasSize(2);

        JsonNode body = leonardo.received().creates("leo-api").get(0);
        assertThat(body.path("width").asInt()).isEqualTo(1024);
        assertThat(body.path("height").asInt()).isEqualTo(1024);
        assertThat(body.path("num_images").asInt()).isEqualTo(2);
        // the definition's model, Leonardo Phoenix 1.0, when the request names none
        assertThat(body.path("modelId").asText()).isEqualTo("de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3");
        assertThat(body.has("negative_prompt")).isFalse();
    }

    @Test
    void whatLeonardoCannotTakeIsRejectedNamingTheField() {
        folders.drop("five.json", "{\"id\": \"leo-five\", \"provider\": \"leonardo\", \"prompt\": \"cats\", \"count\": 5}");
        folders.drop("ratio.json", "{\"id\": \"leo-ratio\", \"provider\": \"leonardo\", \"prompt\": \"cats\","
                + " \"aspectRatio\": \"9:21\"}");

        assertThat(folders.awaitRejectedFields(WAIT, "five.json", "ratio.json")).containsExactly("count", "aspectRatio");
        assertNeverSent(leonardo, "leo-five", "leo-ratio");
    }

    @Test
    void everyModerationFormEndsCensoredOrLeavesTheFlaggedImagesOut() {
        folders.drop("moderated.jsonl", """
                {"id": "leo-refused", "provider": "leonardo", "prompt": "a forbidden thing sim:censor"}
                {"id": "leo-nsfw-all", "provider": "leonardo", "prompt": "two risky things sim:nsfw-all", "count": 2}
                {"id": "leo-nsfw-one", "provider": "leonardo", "prompt": "three things sim:nsfw-one", "count": 3}
                {"id": "leo-failed", "provider": "leonardo", "prompt": "a broken thing sim:fail"}
                """);

        JsonNode refused = folders.awaitManifest("leo-refused", WAIT);
        JsonNode all = folders.awaitEnded("leo-nsfw-all", "CENSORED", WAIT);
        JsonNode one = folders.awaitEnded("leo-nsfw-one", "DELIVERED", WAIT);
        JsonNode failed = folders.awaitManifest("leo-failed", WAIT);

        // refused at the create with Leonardo's 400: nothing generated, nothing paid, nothing sent again
        assertThat(refused.path("state").asText()).isEqualTo("CENSORED");
        assertThat(refused.path("reason").asText()).contains("content moderation filter");
        assertThat(leonardo.received().creates("leo-refused")).hasSize(1);
        assertThat(leonardo.createsFor("leo-refused")).isZero();
        assertThat(refused.path("cost").isNull()).isTrue();

        assertThat(all.path("reason").asText()).contains("flagged every image as NSFW");
        assertThat(all.path("images")).isEmpty();

        // the clean images delivered; the manifest's SUCCEEDED state says what was left out
        assertThat(one.path("images")).hasSize(2);
        assertThat(one.path("request").path("count").asInt()).isEqualTo(3);
        JsonNode succeeded = null;
        for (JsonNode state : one.path("states")) {
            if (state.path("state").asText().equals("SUCCEEDED")) {
                succeeded = state;
            }
        }
        assertThat(succeeded).isNotNull();
        assertThat(succeeded.path("detail").asText()).contains("2 images")
                .contains("Leonardo flagged 1 of 3 images as NSFW; they are left out");

        assertThat(failed.path("state").asText()).isEqualTo("FAILED");
        assertThat(failed.path("reason").asText()).contains("Leonardo reported the generation failed");
        for (String key : List.of("leo-nsfw-all", "leo-nsfw-one", "leo-failed")) {
            assertThat(leonardo.createsFor(key)).as(key).isEqualTo(1);
        }
    }

    @Test
    void faultsAreWaitedOutOrParkedAndNoJobKeyIsEverCreatedTwice() {
        FaultMatrix.in(folders, WAIT).provider("leonardo", leonardo)
                .delivered("leo-429", "a heron sim:create-429x1 sim:retry-after=1")
                .delivered("leo-429bare", "a heron sim:create-429barex1")
                .delivered("leo-503", "a heron sim:create-503x1")
                .delivered("leo-check-5xx", "a heron sim:check-500x1 sim:check-502x1")
                .delivered("leo-check-429", "a heron sim:check-429x1")
                .delivered("leo-malformed", "a heron sim:check-malformedx1")
                .delivered("leo-slow", "a heron sim:create-slowx1 sim:check-slowx1")
                // Leonardo cannot be searched by our key: a create whose answer was lost, unreadable or eaten by a
                // gateway is parked for a person, never sent again
                .parked("leo-lost", "a heron sim:create-lost")
                .parked("leo-create-malformed", "a heron sim:create-malformedx1")
                .parked("leo-create-502", "a heron sim:create-502x1")
                .dropAndCheck("faults.jsonl");

        // a refused create was sent again, once; the second went after the Retry-After Leonardo asked for
        List<ReceivedCalls.Call> creates429 = leonardo.received().createCalls("leo-429");
        assertThat(creates429).hasSize(2);
        assertThat(creates429.get(1).at() - creates429.get(0).at()).isGreaterThanOrEqualTo(1000);
        assertThat(leonardo.received().creates("leo-429bare")).hasSize(2);
        assertThat(leonardo.received().creates("leo-503")).hasSize(2);
    }
}
