package org.imagegen.provider;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.delivery.DeliveryException;
import org.imagegen.job.Job;
import org.imagegen.provider.definition.DefinedProvider;
import org.imagegen.request.GenerationRequest;
import org.imagegen.support.ShippedDefinition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The all-images.ai definition as shipped (routes/providers/all-images.camel.yaml), its mapping read without Camel:
 * the create body, the status outcomes, find by tag, the provider-side retry, image acquisition and the key rules.
 */
class AllImagesDefinitionTest {

    private final DefinedProvider provider = definition(Map.of(
            "imagegen.providers.all-images.base-url", "https://api.example.test/v1/",
            "imagegen.providers.all-images.api-key", "secret",
            "imagegen.providers.all-images.retry.max", "1",
            "imagegen.providers.all-images.process-mode", "fast"));

    private static DefinedProvider definition(Map<String, String> settings) {
        return ShippedDefinition.provider("all-images", settings);
    }

    private static HttpReply ok(String body) {
        return new HttpReply(200, body, null, "application/json", "https://api.example.test/v1/image-generations/p1");
    }

    @Test
    void createBodyCarriesPromptFormatNegativePromptAndTheJobKeyAsTagAndMetaData() throws Exception {
        Job job = new Job();
        job.setKey("job-7");
        job.setRequest(new GenerationRequest("job-7", false, "all-images", "a cat", "dogs", "16:9", null, null,
                Map.of("processMode", "relax", "params", Map.of("chaos", "10")), Map.of(), List.of()));

        ProviderCall call = provider.createCall(job);

        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.url()).isEqualTo("https://api.example.test/v1/image-generations");
        JsonNode body = new ObjectMapper().readTree(call.body());
        assertThat(body.path("mode").asText()).isEqualTo("simple");
        assertThat(body.path("prompt").asText()).isEqualTo("a cat");
        assertThat(body.path("processMode").asText()).isEqualTo("relax");
        assertThat(body.path("params").toString()).contains("{\"name\":\"format\",\"value\":\"16:9\"}")
                .contains("{\"name\":\"interdiction\",\"value\":\"dogs\"}").contains("chaos");
        assertThat(body.path("tags")).extracting(JsonNode::asText).containsExactly("imagegen", "imagegen-job-7");
        assertThat(body.path("metaData").path("jobKey").asText()).isEqualTo("job-7");
        assertThat(call.idempotencyKey()).isEqualTo("job-7");
    }

    @Test
    void mapsEveryStatusIncludingUnknownOnes() {
        assertThat(provider.readStatus(ok("{\"status\":0}")).kind()).isEqualTo(StatusResult.Kind.QUEUED);
        assertThat(provider.readStatus(ok("{\"status\":1}")).kind()).isEqualTo(StatusResult.Kind.QUEUED);
        assertThat(provider.readStatus(ok("{\"status\":2,\"images\":[{\"urlFull\":\"x\"}]}")).kind())
                .isEqualTo(StatusResult.Kind.RUNNING);
        assertThat(provider.readStatus(ok("{\"status\":5}")).kind()).isEqualTo(StatusResult.Kind.RUNNING);
        assertThat(provider.readStatus(ok("{\"status\":42}")).kind()).isEqualTo(StatusResult.Kind.RUNNING);
        StatusResult failed = provider.readStatus(ok("{\"status\":4}"));
        assertThat(failed.kind()).isEqualTo(StatusResult.Kind.FAILED);
        assertThat(failed.retryable()).isTrue();
        assertThat(provider.readStatus(ok("{\"status\":3,\"images\":[]}")).kind()).isEqualTo(StatusResult.Kind.FAILED);
    }

    @Test
    void takesFullSizeUrlsAndRepairsTheMissingSlashDefect() {
        StatusResult done = provider.readStatus(ok("{\"status\":3,\"images\":["
                + "{\"url\":\"https://api.all-images.aiv1/images/preview/a.jpg\",\"urlFull\":\"https://api.all-images.aiv1/images/full/a.jpg\"},"
                + "{\"url\":\"https://api.all-images.ai/v1/images/preview/b.jpg\"}]}"));
        assertThat(done.kind()).isEqualTo(StatusResult.Kind.SUCCEEDED);
        assertThat(done.imageUrls()).containsExactly("https://api.all-images.ai/v1/images/full/a.jpg",
                "https://api.all-images.ai/v1/images/preview/b.jpg");
    }

    @Test
    void treatsRateLimitsServerErrorsAndBrokenAnswersAsAFailedCheckNotAFailedJob() {
        StatusResult limited = provider.readStatus(new HttpReply(429, "{}", "7", "application/json"));
        assertThat(limited.kind()).isEqualTo(StatusResult.Kind.RETRY_LATER);
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(provider.readStatus(new HttpReply(502, "<html>bad gateway</html>", null, "text/html")).reason())
                .contains("HTML page");
        assertThat(provider.readStatus(ok("{not json")).kind()).isEqualTo(StatusResult.Kind.RETRY_LATER);
        assertThat(provider.readStatus(new HttpReply(404, "{\"statusCode\":404,\"message\":\"Not found\"}", null, null)).kind())
                .isEqualTo(StatusResult.Kind.FAILED);
    }

    @Test
    void readsNestJsErrorMessagesAsArrayOrString() {
        CreateResult refused = provider.readCreate(new HttpReply(400,
                "{\"statusCode\":400,\"error\":\"Bad Request\",\"message\":[\"prompt too long\",\"mode invalid\"]}", null, null));
        assertThat(refused.kind()).isEqualTo(CreateResult.Kind.REFUSED);
        assertThat(refused.reason()).contains("prompt too long; mode invalid");
        assertThat(provider.readCreate(new HttpReply(402, "{\"message\":\"Not enough credits\"}", null, null)).reason())
                .contains("Not enough credits");
    }

    @Test
    void tellsCreatesThatSurelyFailedFromOnesThatMayHaveBeenMade() {
        assertThat(provider.readCreate(new HttpReply(201, "{\"id\":\"p1\"}", null, null)).providerJobId()).isEqualTo("p1");
        assertThat(provider.readCreate(new HttpReply(429, "", "2", null)).kind()).isEqualTo(CreateResult.Kind.NOT_CREATED_RETRY);
        assertThat(provider.readCreate(new HttpReply(503, "", null, null)).kind()).isEqualTo(CreateResult.Kind.NOT_CREATED_RETRY);
        assertThat(provider.readCreate(new HttpReply(504, "", null, null)).kind()).isEqualTo(CreateResult.Kind.UNCONFIRMED);
        assertThat(provider.readCreate(new HttpReply(200, "{}", null, null)).kind()).isEqualTo(CreateResult.Kind.UNCONFIRMED);
    }

    @Test
    void findsALostGenerationByItsTagAndSendsTheKeyOnlyToItsOwnHost() {
        Job job = new Job();
        job.setKey("job-7");
        assertThat(provider.findCall(job).url()).endsWith("/image-generations?limit=10&tag=imagegen-job-7");
        FindResult found = provider.readFind(job, ok("{\"filteredResults\":1,\"prints\":[{\"id\":\"p9\",\"tags\":[\"imagegen-job-7\"]}]}"));
        assertThat(found.kind()).isEqualTo(FindResult.Kind.FOUND);
        assertThat(found.providerJobId()).isEqualTo("p9");
        assertThat(provider.readFind(job, ok("{\"filteredResults\":0,\"prints\":[]}")).kind()).isEqualTo(FindResult.Kind.NOT_FOUND);
        assertThat(provider.downloadCall(job, "https://api.example.test/v1/images/full/a.jpg").authenticated()).isTrue();
        assertThat(provider.downloadCall(job, "https://cdn.example.test/a.jpg").authenticated()).isFalse();
    }

    @Test
    void retriesAFailedGenerationInPlaceOptionallyAfterAnUpdate() {
        Job job = new Job();
        job.setKey("job-7");
        job.setProviderJobId("p 1");
        assertThat(provider.updateBeforeRetryCall(job)).isNull();
        assertThat(provider.retryCall(job).url()).isEqualTo("https://api.example.test/v1/image-generations/retry/p%201");
        assertThat(provider.maxProviderRetries()).isEqualTo(1);

        DefinedProvider updating = definition(Map.of(
                "imagegen.providers.all-images.base-url", "https://api.example.test/v1",
                "imagegen.providers.all-images.retry.max", "2",
                "imagegen.providers.all-images.retry.update", "{\"optimizePrompt\":true}"));
        ProviderCall update = updating.updateBeforeRetryCall(job);
        assertThat(update.method()).isEqualTo("PUT");
        assertThat(update.url()).endsWith("/image-generations/p%201");
        assertThat(update.body()).isEqualTo("{\"optimizePrompt\":true}");
    }

    @Test
    void neverPrintsItsApiKey() {
        assertThat(definition(Map.of("imagegen.providers.all-images.api-key", "s3cr3t-key")).toString())
                .doesNotContain("s3cr3t-key");
        assertThat(definition(Map.of("imagegen.providers.all-images.api-key", "s3cr3t-key")).definition().toString())
                .doesNotContain("s3cr3t-key");
    }

    private static Job job(Map<String, Object> options) {
        Job job = new Job();
        job.setKey("job-8");
        job.setRequest(new GenerationRequest("job-8", false, "all-images", "a cat", null, null, null, null,
                options, Map.of(), List.of()));
        return job;
    }

    private static DefinedProvider provider(String processMode, String images, String buySize) {
        return definition(Map.of("imagegen.providers.all-images.base-url", "https://api.example.test/v1",
                "imagegen.providers.all-images.api-key", "secret",
                "imagegen.providers.all-images.process-mode", processMode,
                "imagegen.providers.all-images.images", images, "imagegen.providers.all-images.buy-size", buySize));
    }

    @Test
    void sendsProcessModeOnlyWhenTheOperatorOrTheRequestSetsOne() throws Exception {
        ObjectMapper json = new ObjectMapper();
        DefinedProvider unset = provider("", "full", "full");
        assertThat(json.readTree(unset.createCall(job(Map.of())).body()).has("processMode")).isFalse();
        // no speed of ours: durations are learned under the account's default speed, whatever it is
        assertThat(unset.modelOf(job(Map.of()).getRequest())).isEmpty();
        assertThat(unset.modelOf(job(Map.of("processMode", "relax")).getRequest())).isEqualTo("relax");
        assertThat(json.readTree(unset.createCall(job(Map.of("processMode", "relax"))).body())
                .path("processMode").asText()).isEqualTo("relax");
        DefinedProvider dedicated = provider("relax", "full", "full");
        assertThat(json.readTree(dedicated.createCall(job(Map.of())).body()).path("processMode").asText()).isEqualTo("relax");
        assertThat(json.readTree(dedicated.createCall(job(Map.of("processMode", "fast"))).body())
                .path("processMode").asText()).isEqualTo("fast");
    }

    private static final String DONE = "{\"status\":3,\"images\":[{\"id\":\"img 1\","
            + "\"url\":\"https://api.example.test/v1/images/preview/img%201.jpg\","
            + "\"urlFull\":\"https://api.example.test/v1/images/full/img%201.jpg\"}]}";

    @Test
    void takesThePreviewOrTheFullDisplayImageAsConfiguredAndSaysWhichItTook() {
        DefinedProvider preview = provider("", "preview", "full");
        String url = preview.readStatus(ok(DONE)).imageUrls().get(0);
        assertThat(url).isEqualTo("https://api.example.test/v1/images/preview/img%201.jpg");
        assertThat(preview.acquireCall(job(Map.of()), url)).isNull();
        assertThat(preview.acquisition(url)).isEqualTo("preview");
        assertThat(preview.downloadCall(job(Map.of()), url).method()).isEqualTo("GET");
        DefinedProvider full = provider("", "full", "full");
        assertThat(full.acquisition(full.readStatus(ok(DONE)).imageUrls().get(0))).isEqualTo("full");
    }

    @Test
    void costsCreditsPerImageBoughtAndNoneForTheFreeDisplayImages() {
        String twoImages = "{\"status\":3,\"images\":[{\"id\":\"a\",\"urlFull\":\"https://api.example.test/v1/images/full/a.jpg\"},"
                + "{\"id\":\"b\",\"urlFull\":\"https://api.example.test/v1/images/full/b.jpg\"}]}";
        assertThat(provider("", "buy", "full").readStatus(ok(twoImages)).cost()).isEqualTo(2.0);
        assertThat(provider("", "download", "full").readStatus(ok(twoImages)).cost()).isEqualTo(2.0);
        assertThat(provider("", "full", "full").readStatus(ok(twoImages)).cost()).as("0 recorded, not nothing")
                .isEqualTo(0.0);
        assertThat(provider("", "preview", "full").readStatus(ok(twoImages)).cost()).isEqualTo(0.0);
        assertThat(provider("", "full", "full").costUnit()).isEqualTo("credits");
        assertThat(provider("", "full", "full").readStatus(ok("{\"status\":2}")).cost()).as("not done: none yet")
                .isNull();
        DefinedProvider dearer = definition(Map.of("imagegen.providers.all-images.base-url", "https://api.example.test/v1",
                "imagegen.providers.all-images.images", "buy",
                "imagegen.providers.all-images.credits-per-image", "2.5"));
        assertThat(dearer.readStatus(ok(twoImages)).cost()).isEqualTo(5.0);
    }

    @Test
    void buysTheImageAndDownloadsTheLinkOfTheConfiguredSize() throws Exception {
        DefinedProvider buying = provider("", "buy", "upscale-uhd");
        String url = buying.readStatus(ok(DONE)).imageUrls().get(0);
        ProviderCall buy = buying.acquireCall(job(Map.of()), url);
        assertThat(buy.method()).isEqualTo("POST");
        assertThat(buy.url()).isEqualTo("https://api.example.test/v1/images/buy");
        assertThat(new ObjectMapper().readTree(buy.body()).path("id").asText()).isEqualTo("img 1");
        assertThat(buy.authenticated()).isTrue();
        assertThat(buying.readAcquired(job(Map.of()), 1, ok("{\"id\":\"img 1\",\"urlFull\":\"https://cdn.test/f.jpg\","
                + "\"urlUpscale\":\"https://cdn.test/u.jpg\",\"urlUpscaleUHD\":\"https://api.all-images.aiv1/uhd.jpg\"}")))
                .isEqualTo("https://api.all-images.ai/v1/uhd.jpg");
        assertThat(buying.acquisition(url)).isEqualTo("buy:upscale-uhd");

        assertThatThrownBy(() -> buying.readAcquired(job(Map.of()), 2, new HttpReply(402,
                "{\"statusCode\":402,\"message\":\"Not enough credits\"}", null, "application/json")))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("402 (no credits left) for image 2")
                .hasMessageContaining("retry the delivery")
                .satisfies(e -> assertThat(((DeliveryException) e).isPermanent()).isTrue());
        assertThatThrownBy(() -> buying.readAcquired(job(Map.of()), 1, new HttpReply(503, "", null, null)))
                .isInstanceOf(DeliveryException.class)
                .satisfies(e -> assertThat(((DeliveryException) e).isPermanent()).isFalse());
        assertThatThrownBy(() -> buying.readAcquired(job(Map.of()), 1, ok("{\"id\":\"img 1\",\"urlFull\":\"x\"}")))
                .hasMessageContaining("no urlUpscaleUHD");
    }

    @Test
    void downloadsThroughThePaidRouteAndTreats402AsNoCreditsLeft() throws Exception {
        DefinedProvider downloading = provider("", "download", "full");
        String url = downloading.readStatus(ok(DONE)).imageUrls().get(0);
        assertThat(downloading.acquireCall(job(Map.of()), url)).isNull();
        ProviderCall download = downloading.downloadCall(job(Map.of()), url);
        assertThat(download.method()).isEqualTo("POST");
        assertThat(download.url()).isEqualTo("https://api.example.test/v1/images/download");
        assertThat(new ObjectMapper().readTree(download.body()).path("id").asText()).isEqualTo("img 1");
        assertThat(downloading.downloadRefusal(402, 3)).contains("402 (no credits left) for image 3");
        assertThat(downloading.downloadRefusal(503, 3)).isNull();
        assertThat(provider("", "full", "full").downloadRefusal(402, 1)).isNull();
        assertThat(downloading.acquisition(url)).isEqualTo("download");
    }

    @Test
    void refusesAnUnknownImagesSettingByItsName() {
        assertThatThrownBy(() -> provider("", "steal", "full"))
                .hasMessageContaining("provider definition 'all-images': imageMode: 'steal' is not one of [preview, full, buy, download]");
        assertThatThrownBy(() -> provider("", "buy", "huge"))
                .hasMessageContaining("imageSize: 'huge' is not one of [full, upscale, upscale-uhd]");
    }
}
