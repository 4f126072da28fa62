package org.imagegen.provider.definition;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.assertj.core.api.AbstractThrowableAssert;
import org.imagegen.provider.CreateResult;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.StatusResult;
import org.imagegen.request.GenerationRequest;
import org.imagegen.support.TestJobs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.imagegen.provider.definition.DefinitionChanges.changed;

/**
 * The create side of a definition without Camel: a synchronous API's answer read as the finished generation
 * (createOutcome), a moderation refusal (createCensored), the reported cost (createCost, an outcome's cost) and the
 * model a request names; every create expression sees $url and $status.
 */
class DefinedProviderCreateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An OpenAI-Images-like API: one POST answers with the images as base64, or with an error. */
    private static ProviderDefinition synchronous() {
        ProviderDefinition d = new ProviderDefinition();
        d.setBaseUrl("https://api.pix.example");
        d.setModel("pix-1");
        d.setOptions("quality");
        d.setCreatePath("/v1/images/generations");
        d.setCreateBody("{model: .model, prompt: .prompt, n: (.count // 1), quality: .options.quality}");
        d.setCreateOutcome("{state: \"succeeded\", images: [.data[] | \"data:image/png;base64,\" + .b64_json],"
                + " cost: .usage.cost}");
        d.setCreateCost(".usage.credits");
        d.setCostUnit("credits");
        d.setCreateCensored("$status == 400 and .error.code == \"moderation_blocked\"");
        d.setErrorMessage(".error.message");
        d.setStatusPath("/v1/unused/${id}");
        d.setStatusOutcome("{state: .status, cost: .cost}");
        return d;
    }

    /** A create answered with the finished generation, ended as {@code outcome}. */
    private static void assertFinished(CreateResult result, StatusResult.Kind outcome) {
        assertThat(result.kind()).isEqualTo(CreateResult.Kind.FINISHED);
        assertThat(result.outcome().kind()).isEqualTo(outcome);
    }

    /** What starting pix on {@link #synchronous()} with {@code change} throws. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Consumer<ProviderDefinition> change) {
        return assertThatThrownBy(() -> new DefinedProvider("pix", changed(synchronous(), change)));
    }

    private static GenerationRequest request(String model, Map<String, Object> options) {
        return new GenerationRequest("job-1", false, "pix", "a lighthouse", null, null, null, null, options, Map.of(),
                List.of(), model);
    }

    @Test
    void aSynchronousAnswerIsTheFinishedGenerationWithItsInlineImagesAndCost() {
        DefinedProvider pix = new DefinedProvider("pix", synchronous());

        CreateResult result = pix.readCreate(new HttpReply(200, "{\"created\": 1, \"data\": [{\"b64_json\": \"iVBORw0K\"},"
                + " {\"b64_json\": \"AAAA\"}], \"usage\": {\"credits\": 2}}", null, null));

        assertFinished(result, StatusResult.Kind.SUCCEEDED);
        assertThat(result.outcome().imageUrls()).containsExactly("data:image/png;base64,iVBORw0K",
                "data:image/png;base64,AAAA");
        assertThat(result.providerJobId()).as("the API names no generation").isNull();
        assertThat(result.cost()).isEqualTo(2.0);
        assertThat(pix.costUnit()).isEqualTo("credits");

        CreateResult withOutcomeCost = pix.readCreate(new HttpReply(200, "{\"data\": [{\"b64_json\": \"AAAA\"}],"
                + " \"usage\": {\"credits\": 2, \"cost\": 0.04}}", null, null));
        assertThat(withOutcomeCost.cost()).as("the outcome's own cost wins over createCost").isEqualTo(0.04);
    }

    @Test
    void anOutcomeThatFailsOrIsCensoredEndsTheJobAndOneStillRunningContinuesWithTheId() {
        ProviderDefinition d = synchronous();
        d.setCreateOutcome("{state: .status, images: [.url], reason: .why}");
        d.setCreateId(".id");
        DefinedProvider pix = new DefinedProvider("pix", d);

        CreateResult failed = pix.readCreate(new HttpReply(200, "{\"status\": \"failed\", \"why\": \"out of memory\"}",
                null, null));
        assertFinished(failed, StatusResult.Kind.FAILED);
        assertThat(failed.reason()).isEqualTo("out of memory");
        assertThat(pix.readCreate(new HttpReply(200, "{\"status\": \"censored\"}", null, null)).outcome().kind())
                .isEqualTo(StatusResult.Kind.CENSORED);
        assertThat(pix.readCreate(new HttpReply(200, "{\"status\": \"succeeded\", \"url\": null}", null, null))
                .outcome()).as("success without an image fails, as at a status check")
                .satisfies(o -> assertThat(o.kind()).isEqualTo(StatusResult.Kind.FAILED));

        CreateResult queued = pix.readCreate(new HttpReply(201, "{\"status\": \"queued\", \"id\": \"g7\"}", null, null));
        assertThat(queued.kind()).isEqualTo(CreateResult.Kind.CREATED);
        assertThat(queued.providerJobId()).isEqualTo("g7");
    }

    @Test
    void aSynchronousAnswerWithoutAFinishedOutcomeOrAnIdMayStillHaveBeenPaidFor() {
        ProviderDefinition d = synchronous();
        d.setCreateOutcome("if .data then {state: \"succeeded\", images: [.data[].url]} else {state: \"unknown\"} end");
        DefinedProvider pix = new DefinedProvider("pix", d);

        CreateResult result = pix.readCreate(new HttpReply(200, "{\"created\": 1}", null, null));

        assertThat(result.kind()).isEqualTo(CreateResult.Kind.UNCONFIRMED);
        assertThat(result.reason()).contains("createOutcome");
    }

    @Test
    void aRefusalTheDefinitionCallsModerationIsCensoredWithTheErrorMessage() {
        DefinedProvider pix = new DefinedProvider("pix", synchronous());

        CreateResult blocked = pix.readCreate(new HttpReply(400, "{\"error\": {\"code\": \"moderation_blocked\","
                + " \"message\": \"Your request was rejected by the safety system\"}}", null, null));
        assertFinished(blocked, StatusResult.Kind.CENSORED);
        assertThat(blocked.reason()).isEqualTo("Your request was rejected by the safety system");

        CreateResult invalid = pix.readCreate(new HttpReply(400, "{\"error\": {\"code\": \"invalid_size\","
                + " \"message\": \"size must be 1024x1024\"}}", null, null));
        assertThat(invalid.kind()).isEqualTo(CreateResult.Kind.REFUSED);
        assertThat(invalid.reason()).isEqualTo("pix answered HTTP 400: size must be 1024x1024");

        assertThat(pix.readCreate(new HttpReply(403, "{\"error\": {\"code\": \"moderation_blocked\"}}", null, null))
                .kind()).as("$status is the answer's code: only a 400 means moderation here")
                .isEqualTo(CreateResult.Kind.REFUSED);
        assertThat(pix.readCreate(new HttpReply(429, "{\"error\": {\"code\": \"moderation_blocked\"}}", null, null))
                .kind()).as("a retry status is never read as censored").isEqualTo(CreateResult.Kind.NOT_CREATED_RETRY);
        assertThat(pix.readCreate(new HttpReply(400, "not json", null, null)).kind())
                .isEqualTo(CreateResult.Kind.REFUSED);
    }

    @Test
    void anAsynchronousCreateAndEveryStatusCarryTheCostTheyReport() {
        ProviderDefinition d = synchronous();
        d.setCreateOutcome(null);
        d.setCreateId(".id");
        d.setCreateCost(".cost");
        DefinedProvider pix = new DefinedProvider("pix", d);

        assertThat(pix.readCreate(new HttpReply(201, "{\"id\": \"g1\", \"cost\": \"1.5\"}", null, null)))
                .satisfies(r -> assertThat(r.kind()).isEqualTo(CreateResult.Kind.CREATED))
                .satisfies(r -> assertThat(r.cost()).as("a number written as text").isEqualTo(1.5));
        assertThat(pix.readCreate(new HttpReply(201, "{\"id\": \"g1\", \"cost\": \"free\"}", null, null)).cost())
                .as("anything but a number is no cost, not a failure").isNull();
        assertThat(pix.readCreate(new HttpReply(201, "{\"id\": \"g1\", \"cost\": -3}", null, null)).cost()).isNull();
        assertThat(pix.readStatus(new HttpReply(200, "{\"status\": \"running\", \"cost\": 3}", null, null)))
                .satisfies(r -> assertThat(r.kind()).isEqualTo(StatusResult.Kind.RUNNING))
                .satisfies(r -> assertThat(r.cost()).isEqualTo(3.0));
        assertThat(pix.readStatus(new HttpReply(200, "{\"status\": \"running\"}", null, null)).cost()).isNull();
    }

    @Test
    void createExpressionsSeeTheUrlCalledAndAStatusUrlCreateKeepsItsCost() {
        ProviderDefinition d = synchronous();
        d.setCreateOutcome("if ($url | endswith(\"/sync\")) then {state: \"succeeded\", images: [.url]}"
                + " else {state: \"queued\"} end");
        d.setCreateId(".id");
        d.setCreateStatusUrl(".status_url");
        d.setCreateCost("if ($url | contains(\"api.pix.example\")) then .cost else null end");
        d.setCreateCensored("$status == 400 and ($url | endswith(\"/sync\"))");
        d.setStatusOutcome("{state: .status, cost: .cost, position: .queue_position, progress: .percent}");
        DefinedProvider pix = new DefinedProvider("pix", d);

        CreateResult sync = pix.readCreate(new HttpReply(200, "{\"url\": \"https://cdn.pix.example/1.png\","
                + " \"cost\": 2}", null, null, "https://api.pix.example/v1/sync"));
        assertThat(sync.kind()).as("createOutcome reads $url").isEqualTo(CreateResult.Kind.FINISHED);
        assertThat(sync.cost()).as("createCost reads $url").isEqualTo(2.0);
        assertThat(pix.readCreate(new HttpReply(400, "{}", null, null, "https://api.pix.example/v1/sync")).kind())
                .as("createCensored reads $url").isEqualTo(CreateResult.Kind.FINISHED);

        CreateResult queued = pix.readCreate(new HttpReply(201, "{\"id\": \"g1\", \"cost\": 0.5, \"status_url\":"
                + " \"https://queue.pix.example/g1/status?x=1\"}", null, null, "https://api.pix.example/v1/async"));
        assertThat(queued.kind()).isEqualTo(CreateResult.Kind.CREATED);
        assertThat(queued.providerJobId()).isEqualTo("g1");
        assertThat(queued.statusUrl()).isEqualTo("https://queue.pix.example/g1/status?x=1");
        assertThat(queued.cost()).isEqualTo(0.5);

        StatusResult running = pix.readStatus(new HttpReply(200, "{\"status\": \"running\", \"cost\": 0.7,"
                + " \"queue_position\": 4, \"percent\": \"38.6\"}", null, null));
        assertThat(running.cost()).as("one outcome object carries cost and progress").isEqualTo(0.7);
        assertThat(running.position()).isEqualTo(4);
        assertThat(running.progress()).isEqualTo(39);
    }

    @Test
    void theRequestsModelWinsOverItsModelOptionWhichWinsOverTheDefinitions() throws Exception {
        ProviderDefinition d = synchronous();
        d.setOptions("model,quality");
        d.setCreatePath("/v1/${model}/images");
        DefinedProvider pix = new DefinedProvider("pix", d);

        assertThat(pix.modelOf(request("pix-2", Map.of("model", "pix-3")))).isEqualTo("pix-2");
        assertThat(pix.modelOf(request(null, Map.of("model", "pix-3")))).isEqualTo("pix-3");
        assertThat(pix.modelOf(request(null, Map.of()))).isEqualTo("pix-1");
        var create = pix.createCall(TestJobs.of(request("pix-2", Map.of("quality", "high"))));
        assertThat(create.url()).isEqualTo("https://api.pix.example/v1/pix-2/images");
        assertThat(JSON.readTree(create.body()).path("model").asText()).isEqualTo("pix-2");
        assertThat(pix.input(TestJobs.of(request("pix-2", Map.of()))).path("model").asText()).isEqualTo("pix-2");

        DefinedProvider noModelOption = new DefinedProvider("pix", synchronous());
        assertThat(noModelOption.modelOf(request(null, Map.of("model", "pix-3"))))
                .as("options.model counts only where model is one of the definition's options").isEqualTo("pix-1");
    }

    @Test
    void createIdMayBeLeftOutOnlyWithACreateOutcomeAndTheCostUnitIsShort() {
        assertRefused(d -> d.setCreateOutcome(" ")).hasMessage("provider definition 'pix': createId: required");
        assertRefused(d -> d.setCreateCensored(".error.code =="))
                .hasMessageStartingWith("provider definition 'pix': createCensored:");
        assertRefused(d -> d.setCostUnit("x".repeat(33))).hasMessageStartingWith("provider definition 'pix': costUnit:");
    }
}
