package org.imagegen.provider;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.job.Job;
import org.imagegen.request.GenerationRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AllImagesProviderTest {

    private final AllImagesProvider provider = new AllImagesProvider(
            new ProviderSettings("all-images", "https://api.example.test/v1/", "secret", 1, ""), "fast");

    private static HttpReply ok(String body) {
        return new HttpReply(200, body, null, "application/json");
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
        assertThat(body.path("tags").get(0).asText()).isEqualTo("imagegen-job-7");
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

        AllImagesProvider updating = new AllImagesProvider(new ProviderSettings("all-images",
                "https://api.example.test/v1", "secret", 2, "{\"optimizePrompt\":true}"), "fast");
        ProviderCall update = updating.updateBeforeRetryCall(job);
        assertThat(update.method()).isEqualTo("PUT");
        assertThat(update.url()).endsWith("/image-generations/p%201");
        assertThat(update.body()).isEqualTo("{\"optimizePrompt\":true}");
    }

    @Test
    void neverPrintsItsApiKey() {
        assertThat(new ProviderSettings("all-images", "https://x.test/v1", "s3cr3t-key", 0, "").toString())
                .doesNotContain("s3cr3t-key");
    }
}
