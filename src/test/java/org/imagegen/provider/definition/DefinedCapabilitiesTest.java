package org.imagegen.provider.definition;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.imagegen.delivery.DeliveryException;
import org.imagegen.job.Job;
import org.imagegen.provider.Estimate;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ProviderCall;
import org.imagegen.provider.StatusResult;
import org.imagegen.request.GenerationRequest;
import org.imagegen.request.Problems;
import org.imagegen.support.TestJobs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The optional capabilities a definition may declare (request rules, provider-side retry, image acquisition, a cancel
 * with a body, a webhook subscription, bulk status, an estimate before the create) on a made-up API, without Camel; and a broken declaration refused by property.
 */
class DefinedCapabilitiesTest {

    private static ProviderDefinition base() {
        ProviderDefinition d = new ProviderDefinition();
        d.setBaseUrl("https://api.example.test/v2");
        d.setApiKey("k");
        d.setCreatePath("/jobs");
        d.setCreateBody("{prompt: .prompt, speed: .model}");
        d.setCreateId(".id");
        d.setStatusPath("/jobs/${id}");
        d.setStatusOutcome("""
                if .state == "done" then {state: "succeeded", images: [.items[] | $baseUrl + "/files/" + . + "?size=" + ($imageSize // "s")]}
                elif .state == "error" then {state: "failed", reason: .why, retryable: (.why == "busy")}
                else {state: "running"} end""");
        return d;
    }

    private static DefinedProvider provider(Consumer<ProviderDefinition> change) {
        ProviderDefinition d = base();
        change.accept(d);
        return new DefinedProvider("acme", d);
    }

    private static Job job(String providerJobId, Map<String, Object> options) {
        Job job = TestJobs.of(new GenerationRequest("job-1", false, "acme", "a boat", null, null, null, null, options,
                Map.of(), List.of()));
        job.setProviderJobId(providerJobId);
        return job;
    }

    private static HttpReply ok(String body) {
        return new HttpReply(200, body, null, "application/json", "https://api.example.test/v2/jobs/j1");
    }

    @Test
    void requestProblemsAddTheDefinitionsOwnRulesAndModelOptionNamesTheOptionThatIsTheModel() {
        DefinedProvider acme = provider(d -> {
            d.setOptions("speed,style");
            d.setModelOption("speed");
            d.setModel("normal");
            d.setRequestProblems("""
                    [(if .options.style != null and (.options.style | test("^[a-z]+$")) == false then
                    {field: "options.style", message: "must be lower-case letters"} else empty end),
                    (if (.prompt | length) < 3 then {message: "too short"} else empty end)]""");
        });
        Problems problems = new Problems(1);
        acme.validate(new GenerationRequest("k", false, "acme", "ab", null, null, null, null,
                Map.of("style", "Ink"), Map.of(), List.of()), problems);
        assertThat(problems.list()).extracting(p -> p.field()).containsExactlyInAnyOrder("options.style", "request");

        assertThat(acme.modelOf(job("j", Map.of("speed", "turbo")).getRequest())).isEqualTo("turbo");
        assertThat(acme.modelOf(job("j", Map.of()).getRequest())).isEqualTo("normal");
        assertThat(acme.createCall(job(null, Map.of("speed", "turbo"))).body()).contains("\"speed\":\"turbo\"");

        DefinedProvider failing = provider(d -> d.setRequestProblems(".options.x | length > 0 | not | error"));
        Problems refused = new Problems(1);
        failing.validate(new GenerationRequest("k", false, "acme", "a boat", null, null, null, null, Map.of(),
                Map.of(), List.of()), refused);
        assertThat(refused.list()).extracting(p -> p.field()).containsExactly("request");
    }

    @Test
    void aRetryableFailureIsRetriedAtTheProviderAfterTheDeclaredUpdate() {
        DefinedProvider acme = provider(d -> {
            d.setRetryPath("/jobs/${id}/retry");
            d.setRetryMax("2");
            d.setRetryUpdatePath("/jobs/${id}");
            d.setRetryUpdateBody("{\"priority\": \"low\"}");
        });
        StatusResult busy = acme.readStatus(ok("{\"state\": \"error\", \"why\": \"busy\"}"));
        assertThat(busy.kind()).isEqualTo(StatusResult.Kind.FAILED);
        assertThat(busy.retryable()).isTrue();
        assertThat(acme.readStatus(ok("{\"state\": \"error\", \"why\": \"nsfw\"}")).retryable()).isFalse();
        assertThat(acme.maxProviderRetries()).isEqualTo(2);
        ProviderCall update = acme.updateBeforeRetryCall(job("j 1", Map.of()));
        assertThat(update.method()).isEqualTo("PUT");
        assertThat(update.url()).isEqualTo("https://api.example.test/v2/jobs/j%201");
        assertThat(update.body()).isEqualTo("{\"priority\": \"low\"}");
        ProviderCall retry = acme.retryCall(job("j 1", Map.of()));
        assertThat(retry.method()).isEqualTo("POST");
        assertThat(retry.url()).isEqualTo("https://api.example.test/v2/jobs/j%201/retry");
        assertThat(retry.authenticated()).isTrue();

        DefinedProvider plain = provider(d -> d.setRetryPath("/jobs/${id}/retry"));
        assertThat(plain.maxProviderRetries()).as("no retries unless retryMax says").isZero();
        assertThat(plain.updateBeforeRetryCall(job("j", Map.of()))).isNull();
        assertThat(provider(d -> { }).retryCall(job("j", Map.of()))).isNull();
    }

    @Test
    void imagesAreAcquiredAsTheOperatorChoseAndARefusalSaysWhy() {
        Consumer<ProviderDefinition> images = d -> {
            d.setImageModes("free,licensed,bytes");
            d.setImageSizes("s,xl");
            d.setImageSize("xl");
            d.setAcquireModes("licensed");
            d.setAcquirePath("/licenses");
            d.setAcquireBody("{file: (capture(\"/files/(?<f>[^?]+)\") | .f | urldecode), n: $number}");
            d.setAcquireUrl(".links[$imageSize] // error(\"no link of size \" + $imageSize)");
            d.setDownloadModes("bytes");
            d.setDownloadPath("/files/raw");
            d.setDownloadBody("{file: (capture(\"/files/(?<f>[^?]+)\") | .f | urldecode)}");
            d.setAcquireRefusal("if $status == 402 then \"no credits for image \\($number) (\" + $imageMode + \")\" else null end");
            d.setImageAcquired("$imageMode + \":\" + $imageSize");
        };
        DefinedProvider free = provider(images.andThen(d -> d.setImageMode("free")));
        Job done = job("j1", Map.of());
        done.setImageUrls(free.readStatus(ok("{\"state\": \"done\", \"items\": [\"a%20b\", \"c\"]}")).imageUrls());
        assertThat(done.getImageUrls()).containsExactly("https://api.example.test/v2/files/a%20b?size=xl",
                "https://api.example.test/v2/files/c?size=xl");
        assertThat(free.acquireCall(done, done.getImageUrls().get(0))).isNull();
        assertThat(free.downloadCall(done, done.getImageUrls().get(0)).method()).isEqualTo("GET");
        assertThat(free.downloadRefusal(402, 1)).as("a free download's 402 is judged as any download's").isNull();

        DefinedProvider licensed = provider(images.andThen(d -> d.setImageMode("licensed")));
        ProviderCall acquire = licensed.acquireCall(done, done.getImageUrls().get(1));
        assertThat(acquire.url()).isEqualTo("https://api.example.test/v2/licenses");
        assertThat(acquire.body()).isEqualTo("{\"file\":\"c\",\"n\":2}");
        assertThat(acquire.authenticated()).isTrue();
        assertThat(licensed.acquireCall(done, done.getImageUrls().get(0)).body()).contains("\"file\":\"a b\"");
        assertThat(licensed.readAcquired(done, 1, ok("{\"links\": {\"xl\": \"https://cdn.test/x.png\"}}")))
                .isEqualTo("https://cdn.test/x.png");
        assertThatThrownBy(() -> licensed.readAcquired(done, 1, ok("{\"links\": {}}")))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("no link of size xl");
        assertThatThrownBy(() -> licensed.readAcquired(done, 2, new HttpReply(402, "{}", null, null)))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("no credits for image 2 (licensed)")
                .satisfies(e -> assertThat(((DeliveryException) e).isPermanent()).isTrue());
        assertThatThrownBy(() -> licensed.readAcquired(done, 2, new HttpReply(503, "", null, null)))
                .satisfies(e -> assertThat(((DeliveryException) e).isPermanent()).as("tried again").isFalse());
        assertThat(licensed.acquisition(done.getImageUrls().get(0))).isEqualTo("licensed:xl");

        DefinedProvider bytes = provider(images.andThen(d -> d.setImageMode("bytes")));
        ProviderCall download = bytes.downloadCall(done, done.getImageUrls().get(1));
        assertThat(download.method()).isEqualTo("POST");
        assertThat(download.url()).isEqualTo("https://api.example.test/v2/files/raw");
        assertThat(download.body()).isEqualTo("{\"file\":\"c\"}");
        assertThat(bytes.downloadRefusal(402, 3)).isEqualTo("no credits for image 3 (bytes)");
        assertThat(provider(d -> { }).acquisition("https://x.test/a.png")).isEqualTo("url");
    }

    @Test
    void aCancelMayCarryABody() {
        DefinedProvider acme = provider(d -> {
            d.setCancelPath("/jobs");
            d.setCancelMethod("DELETE");
            d.setCancelBody("{ids: [.id]}");
        });
        ProviderCall cancel = acme.deleteCall(job("j1", Map.of()));
        assertThat(cancel.method()).isEqualTo("DELETE");
        assertThat(cancel.body()).isEqualTo("{\"ids\":[\"j1\"]}");
    }

    @Test
    void aSubscriptionIsKeptOnlyWithWebhooksOnAndGoneCodesCountAsRemoved() {
        Consumer<ProviderDefinition> subscribing = d -> {
            d.setWebhookSignature("none");
            d.setWebhookSecret("a-path-secret-0123456789");
            d.setWebhookId(".job");
            d.setWebhookSubscribePath("/hooks");
            d.setWebhookSubscribeBody("{target: .url}");
            d.setWebhookSubscriptionId(".hookId");
            d.setWebhookUnsubscribePath("/hooks/${id}");
            d.setWebhookUnsubscribeGone("400,404");
        };
        assertThat(provider(subscribing).subscription()).as("webhooks off").isNull();

        DefinedProvider acme = provider(subscribing.andThen(d -> d.setWebhooks("true")));
        acme.webhook().receiveAt(() -> "https://bundle.example.test/");
        WebhookSubscription subscription = acme.subscription();
        assertThat(acme.webhookUrl()).as("registered per key, not handed to creates").isNull();
        ProviderCall subscribe = subscription.subscribeCall();
        assertThat(subscribe.url()).isEqualTo("https://api.example.test/v2/hooks");
        assertThat(subscribe.body()).isEqualTo(
                "{\"target\":\"https://bundle.example.test/webhooks/acme/a-path-secret-0123456789\"}");
        assertThat(subscription.needsSubscription()).isTrue();
        assertThat(subscription.subscribed(new HttpReply(201, "{\"hookId\": \"h1\"}", null, null))).isEqualTo("h1");
        assertThat(subscription.needsSubscription()).isFalse();
        assertThat(subscription.toRemove("h1")).isEmpty();
        assertThat(subscription.toRemove("h0")).containsExactly("h0", "h1");
        assertThat(subscription.unsubscribeCall("h 1").url()).isEqualTo("https://api.example.test/v2/hooks/h%201");
        assertThat(subscription.unsubscribeCall("h1").method()).isEqualTo("DELETE");
        assertThatThrownBy(() -> subscription.unsubscribed("h1", new HttpReply(503, "", null, null)))
                .hasMessageContaining("did not remove webhook h1");
        subscription.unsubscribed("h1", new HttpReply(400, "{}", null, null));
        assertThat(subscription.needsSubscription()).as("400 is gone already").isTrue();
        assertThatThrownBy(() -> subscription.subscribed(new HttpReply(401, "{\"message\": \"bad key\"}", null, null)))
                .hasMessageContaining("acme refused the webhook subscription: HTTP 401");
    }

    @Test
    void aBrokenCapabilityStopsTheStartNamingTheProperty() {
        assertRefused(d -> d.setRetryMax("1"), "retryPath: required with a retryMax over 0");
        assertRefused(d -> {
            d.setRetryPath("/r");
            d.setRetryMax("-1");
        }, "retryMax: '-1' is not a whole number of at least 0");
        assertRefused(d -> {
            d.setRetryPath("/r");
            d.setRetryUpdatePath("/u");
            d.setRetryUpdateBody("{priority: low}");
        }, "retryUpdateBody: '{priority: low}' is not JSON");
        assertRefused(d -> {
            d.setImageModes("a,b");
            d.setImageMode("c");
        }, "imageMode: 'c' is not one of [a, b]");
        assertRefused(d -> d.setImageMode("a"), "imageModes: required with imageMode");
        assertRefused(d -> {
            d.setImageModes("a,b");
            d.setAcquireModes("b");
        }, "acquirePath: required");
        assertRefused(d -> {
            d.setImageModes("a,b");
            d.setDownloadModes("z");
        }, "downloadModes: 'z' is not one of imageModes [a, b]");
        assertRefused(d -> d.setWebhookSubscribePath("/hooks"), "webhookSubscriptionId: required");
        assertRefused(d -> d.setCancelBody("{ids: [.id]"), "cancelBody: '{ids: [.id]' is not a jq expression");
        assertRefused(d -> d.setBulkStatusItems(".jobs"), "bulkStatusPath: required with bulkStatusItems");
        assertRefused(d -> {
            d.setBulkStatusPath("/jobs?limit=${pageSize}");
            d.setBulkStatusPageSize("20");
            d.setBulkStatusItems(".jobs");
            d.setBulkStatusId(".id");
        }, "bulkStatusPath: '/jobs?limit=${pageSize}' names no page (${page} or ${offset})");
        assertRefused(d -> {
            d.setBulkStatusPath("/jobs?page=${page}");
            d.setBulkStatusPageSize("20");
            d.setBulkStatusItems(".jobs");
        }, "bulkStatusId: required");
    }

    @Test
    void aBulkStatusPageIsReadItemByItemAsEachGenerationsOwnAnswerAndCanBeSwitchedOff() {
        DefinedProvider acme = provider(d -> {
            d.setBulkStatusPath("/jobs?page=${page}&size=${pageSize}");
            d.setBulkStatusPageSize("2");
            d.setBulkStatusPages("3");
            d.setBulkStatusItems(".jobs");
            d.setBulkStatusId(".key");
        });
        assertThat(acme.hasBulkStatus()).isTrue();
        assertThat(acme.bulkStatus().pages()).isEqualTo(3);
        assertThat(acme.bulkStatus().call(2).url()).isEqualTo("https://api.example.test/v2/jobs?page=2&size=2");

        var page = acme.bulkStatus().read(ok("{\"jobs\": [{\"key\": \"j1\", \"state\": \"done\", \"items\": [\"a\"]},"
                + " {\"key\": \"j2\", \"state\": \"busy\"}]}"));
        assertThat(page.full()).isTrue();
        assertThat(page.items()).containsOnlyKeys("j1", "j2");
        assertThat(acme.bulkStatus().finished(page.items().get("j1"))).isTrue();
        assertThat(acme.bulkStatus().finished(page.items().get("j2"))).isFalse();
        HttpReply answer = acme.bulkStatus().answer(job("j1", Map.of()), page.items().get("j1"));
        assertThat(answer.url()).isEqualTo("https://api.example.test/v2/jobs/j1");
        assertThat(acme.checkStatus(answer).result().imageUrls())
                .containsExactly("https://api.example.test/v2/files/a?size=s");
        assertThatThrownBy(() -> acme.bulkStatus().read(ok("{\"jobs\": [{\"state\": \"done\"}]}")))
                .hasMessageContaining("an item without an id (bulkStatusId)");

        assertThat(provider(d -> {
            d.setBulkStatus("false");
            d.setBulkStatusPath("/jobs?page=${page}");
            d.setBulkStatusPageSize("2");
            d.setBulkStatusItems(".jobs");
            d.setBulkStatusId(".key");
        }).hasBulkStatus()).isFalse();
    }

    @Test
    void anEstimateSendsTheCreatesBodyAndReadsCostAndBalanceOrSaysWhyItFailed() {
        DefinedProvider acme = provider(d -> {
            d.setEstimatePath("/jobs/estimate");
            d.setEstimateCost(".data.estimated");
            d.setEstimateBalance(".data.balance");
            d.setErrorMessage(".error.message");
        });
        Job job = job(null, Map.of());
        ProviderCall estimate = acme.estimateCall(job);
        assertThat(estimate.method()).isEqualTo("POST");
        assertThat(estimate.url()).isEqualTo("https://api.example.test/v2/jobs/estimate");
        assertThat(estimate.body()).isEqualTo(acme.createCall(job).body());
        assertThat(estimate.idempotencyKey()).isEqualTo("job-1");

        assertThat(acme.readEstimate(ok("{\"data\": {\"estimated\": 5, \"balance\": 20}}")))
                .isEqualTo(Estimate.of(5.0, 20.0));
        assertThat(acme.readEstimate(ok("{\"data\": {\"estimated\": 5, \"balance\": 3}}")).unaffordable()).isTrue();
        assertThat(acme.readEstimate(ok("{\"data\": {\"balance\": 3}}")).failure())
                .contains("acme's estimate named no cost (estimateCost)");
        assertThat(acme.readEstimate(new HttpReply(503, "{\"error\": {\"message\": \"busy\"}}", null,
                "application/json", estimate.url())).failure()).isEqualTo("acme answered the estimate with HTTP 503: busy");

        assertThat(provider(d -> {
            d.setEstimate("false");
            d.setEstimatePath("/jobs/estimate");
            d.setEstimateCost(".data.estimated");
        }).estimateCall(job)).isNull();
        assertThat(provider(d -> { }).estimateCall(job)).isNull();
        assertRefused(d -> d.setEstimatePath("/jobs/estimate"), "estimateCost: required");
        assertRefused(d -> {
            d.setEstimate("yes");
            d.setEstimatePath("/jobs/estimate");
        }, "estimate: 'yes' is not true or false");
    }

    private static void assertRefused(Consumer<ProviderDefinition> change, String message) {
        assertThatThrownBy(() -> provider(change)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provider definition 'acme': " + message);
    }
}
