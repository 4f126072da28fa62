package org.imagegen.provider.definition;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.assertj.core.api.AbstractThrowableAssert;
import org.imagegen.job.Job;
import org.imagegen.provider.CreateResult;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ProviderCall;
import org.imagegen.provider.StatusResult;
import org.imagegen.request.GenerationRequest;
import org.imagegen.request.Problems;
import org.imagegen.support.TestJobs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.imagegen.provider.definition.DefinitionChanges.changed;

/** The engine of a definition without Camel: calls built, answers read, broken definitions refused by property. */
class DefinedProviderUnitTest {

    /** A BFL-like API: the key in x-key, the status polled at the URL the create returned. */
    private static ProviderDefinition pollingUrl() {
        ProviderDefinition d = new ProviderDefinition();
        d.setBaseUrl("https://api.example.ai/");
        d.setApiKey("k-123");
        d.setAuthHeader("x-key");
        d.setAuthFormat("%s");
        d.setApiHosts("api.eu.example.ai");
        d.setModel("flux-pro");
        d.setOptions("model");
        d.setMaxCount("1");
        d.setCreatePath("/v1/${model}");
        d.setCreateBody("{prompt: .prompt, seed: .seed}");
        d.setCreateId(".id");
        d.setCreateStatusUrl(".polling_url");
        d.setErrorMessage(".message // .detail");
        d.setStatusOutcome("""
                if .status == "Ready" then {state: "succeeded", images: [.result.sample]}
                elif .status == "Pending" then {state: "running"}
                elif (.status | test("Moderated")) then {state: "censored", reason: .status}
                else {state: "failed", reason: (.details // .status)} end""");
        return d;
    }

    /** What starting bfl on {@link #pollingUrl()} with {@code change} throws. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Consumer<ProviderDefinition> change) {
        return assertThatThrownBy(() -> new DefinedProvider("bfl", changed(pollingUrl(), change)));
    }

    private static Job job(GenerationRequest request, String providerJobId) {
        Job job = TestJobs.of(request);
        job.setProviderJobId(providerJobId);
        return job;
    }

    private static GenerationRequest request(Map<String, Object> options) {
        return new GenerationRequest("job-1", false, "bfl", "a bridge", null, null, null, 7L, options, Map.of(), List.of());
    }

    @Test
    void theCreateCarriesTheMappedBodyTheModelAndTheKeyAndTheStatusUrlIsPolledAsReturned() {
        DefinedProvider bfl = new DefinedProvider("bfl", pollingUrl());

        ProviderCall create = bfl.createCall(job(request(Map.of("model", "flux-dev")), null));
        assertThat(create.method()).isEqualTo("POST");
        assertThat(create.url()).isEqualTo("https://api.example.ai/v1/flux-dev");
        assertThat(create.body()).isEqualTo("{\"prompt\":\"a bridge\",\"seed\":7}");
        assertThat(create.authenticated()).isTrue();
        assertThat(create.idempotencyKey()).isEqualTo("job-1");
        assertThat(bfl.authHeader()).isEqualTo("x-key");
        assertThat(bfl.authValue()).isEqualTo("k-123");

        CreateResult created = bfl.readCreate(new HttpReply(200,
                "{\"id\": \"t1\", \"polling_url\": \"https://api.eu.example.ai/v1/get_result?id=t1\"}", null, null));
        assertThat(created.kind()).isEqualTo(CreateResult.Kind.CREATED);
        assertThat(created.providerJobId()).as("the provider's own id, for webhooks and cancel").isEqualTo("t1");
        assertThat(created.statusUrl()).isEqualTo("https://api.eu.example.ai/v1/get_result?id=t1");
        Job createdJob = job(request(Map.of()), created.providerJobId());
        createdJob.setStatusUrl(created.statusUrl());
        ProviderCall status = bfl.statusCall(createdJob);
        assertThat(status.url()).isEqualTo("https://api.eu.example.ai/v1/get_result?id=t1");
        assertThat(status.authenticated()).as("a declared API host gets the key").isTrue();
        assertThat(bfl.downloadCall(job(request(Map.of()), "t1"), "https://delivery.example.ai/x.png").authenticated())
                .as("an image host never gets it").isFalse();
        assertThat(bfl.mayCarryKey("http://api.eu.example.ai/v1/get_result")).as("not over plain http").isFalse();
    }

    @Test
    void createAnswersAreReadByTheGenericRules() {
        DefinedProvider bfl = new DefinedProvider("bfl", pollingUrl());

        CreateResult limited = bfl.readCreate(new HttpReply(429, "{\"message\": \"slow down\"}", "5", null));
        assertThat(limited.kind()).isEqualTo(CreateResult.Kind.NOT_CREATED_RETRY);
        assertThat(limited.retryAfter()).hasSeconds(5);
        assertThat(limited.reason()).isEqualTo("bfl answered HTTP 429: slow down");
        assertThat(bfl.readCreate(new HttpReply(502, "", null, null)).kind()).isEqualTo(CreateResult.Kind.UNCONFIRMED);
        assertThat(bfl.readCreate(new HttpReply(422, "{\"detail\": \"width\"}", null, null)))
                .satisfies(r -> assertThat(r.kind()).isEqualTo(CreateResult.Kind.REFUSED))
                .satisfies(r -> assertThat(r.reason()).endsWith("width"));
        assertThat(bfl.readCreate(new HttpReply(200, "{\"id\": \"t1\"}", null, null)))
                .as("an answer without the status URL may still be a generation")
                .satisfies(r -> assertThat(r.kind()).isEqualTo(CreateResult.Kind.UNCONFIRMED));
    }

    @Test
    void theOutcomeObjectBecomesTheNormalisedStatus() {
        DefinedProvider bfl = new DefinedProvider("bfl", pollingUrl());

        assertThat(bfl.readStatus(new HttpReply(200, "{\"status\": \"Pending\"}", null, null)).kind())
                .isEqualTo(StatusResult.Kind.RUNNING);
        assertThat(bfl.readStatus(new HttpReply(200, "{\"status\": \"Ready\", \"result\": {\"sample\": \"https://d/x.png\"}}",
                null, null)).imageUrls()).containsExactly("https://d/x.png");
        StatusResult moderated = bfl.readStatus(new HttpReply(200, "{\"status\": \"Content Moderated\"}", null, null));
        assertThat(moderated.kind()).isEqualTo(StatusResult.Kind.CENSORED);
        assertThat(moderated.reason()).isEqualTo("Content Moderated");
        assertThat(bfl.readStatus(new HttpReply(200, "{\"status\": \"Task not found\"}", null, null)))
                .satisfies(r -> assertThat(r.kind()).isEqualTo(StatusResult.Kind.FAILED))
                .satisfies(r -> assertThat(r.reason()).isEqualTo("Task not found"));
        assertThat(bfl.readStatus(new HttpReply(200, "{\"status\": \"Ready\", \"result\": null}", null, null)).kind())
                .as("success without an image").isEqualTo(StatusResult.Kind.FAILED);
        assertThat(bfl.readStatus(new HttpReply(503, "", null, null)).kind()).isEqualTo(StatusResult.Kind.RETRY_LATER);
        assertThat(bfl.readStatus(new HttpReply(200, "<html>oops</html>", null, null)).kind())
                .as("an answer the expression cannot read is a failed check, not a failed job")
                .isEqualTo(StatusResult.Kind.RETRY_LATER);
    }

    @Test
    void requestsOutsideTheDefinitionsLimitsAreRefusedNamingTheField() {
        DefinedProvider bfl = new DefinedProvider("bfl", pollingUrl());
        Problems problems = new Problems(1);

        bfl.validate(new GenerationRequest("k", false, "bfl", "p", null, "3:2", 2, null,
                Map.of("steps", 4), Map.of(), List.of()), problems);

        assertThat(problems.list()).extracting(p -> p.field()).containsExactlyInAnyOrder("count", "options.steps");
    }

    @Test
    void aFieldTheApiHasNoPlaceForIsRefusedNamingItAndOnlyKnownFieldsMayBeDeclared() {
        ProviderDefinition d = pollingUrl();
        d.setUnsupportedFields("negativePrompt, seed");
        DefinedProvider bfl = new DefinedProvider("bfl", d);
        Problems problems = new Problems(1);

        bfl.validate(new GenerationRequest("k", false, "bfl", "p", "no dogs", null, null, 3L,
                Map.of(), Map.of(), List.of()), problems);
        assertThat(problems.list()).extracting(p -> p.field()).containsExactlyInAnyOrder("negativePrompt", "seed");

        Problems none = new Problems(1);
        bfl.validate(new GenerationRequest("k", false, "bfl", "p", null, null, null, null,
                Map.of(), Map.of(), List.of()), none);
        assertThat(none.list()).isEmpty();

        assertRefused(typo -> typo.setUnsupportedFields("negative_prompt"))
                .hasMessageStartingWith("provider definition 'bfl': unsupportedFields: 'negative_prompt'");
    }

    @Test
    void aBrokenDefinitionIsRefusedNamingTheProviderAndTheProperty() {
        assertRefused(d -> d.setStatusOutcome("{state: .status"))
                .hasMessageStartingWith("provider definition 'bfl': statusOutcome:");
        assertRefused(d -> d.setBaseUrl(" ")).hasMessage("provider definition 'bfl': baseUrl: required");
        assertThatThrownBy(() -> new DefinedProvider("Black Forest", pollingUrl())).hasMessageContaining("lower-case");
        assertRefused(d -> d.setResponseTimeout("soon")).hasMessage("provider definition 'bfl':"
                + " responseTimeout: 'soon' is not a duration such as 500ms, 2s, 10m or 1h");
    }

    @Test
    void aResponseTimeoutOfItsOwnReplacesTheGlobalOne() {
        assertThat(new DefinedProvider("bfl", pollingUrl()).responseTimeoutMs(30_000)).isEqualTo(30_000);
        ProviderDefinition slow = pollingUrl();
        slow.setResponseTimeout("2m");
        assertThat(new DefinedProvider("bfl", slow).responseTimeoutMs(30_000)).isEqualTo(120_000);
    }

    @Test
    void aResultLifetimeIsDeclaredOrNotAndABadOneStopsTheStartNamingIt() {
        assertThat(new DefinedProvider("bfl", pollingUrl()).resultLifetimeMs()).isNull();
        ProviderDefinition blank = pollingUrl();
        blank.setResultLifetime(" ");
        assertThat(new DefinedProvider("bfl", blank).resultLifetimeMs()).isNull();
        ProviderDefinition tenMinutes = pollingUrl();
        tenMinutes.setResultLifetime("10m");
        assertThat(new DefinedProvider("bfl", tenMinutes).resultLifetimeMs()).isEqualTo(600_000);

        assertRefused(d -> d.setResultLifetime("a while")).hasMessage("provider definition 'bfl':"
                + " resultLifetime: 'a while' is not a duration such as 500ms, 2s, 10m or 1h");
        assertRefused(d -> d.setResultLifetime("0s")).hasMessageStartingWith("provider definition 'bfl': resultLifetime:");
    }
}
