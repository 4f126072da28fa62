package org.imagegen.provider;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.job.Job;
import org.imagegen.request.GenerationRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RenderNetProviderTest {

    private final RenderNetProvider provider = new RenderNetProvider(
            new ProviderSettings("rendernet", "https://api.example.test", "secret", 0, ""), "JuggernautXL", 4);

    private static HttpReply ok(String body) {
        return new HttpReply(200, body, null, "application/json");
    }

    private static String media(String... statuses) {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < statuses.length; i++) {
            items.append(i == 0 ? "" : ",").append("{\"id\":\"media_").append(i).append("\",\"status\":\"")
                    .append(statuses[i]).append("\"")
                    .append(statuses[i].equals("success") ? ",\"url\":\"https://cdn.example.test/" + i + ".png\"" : "")
                    .append("}");
        }
        return "{\"data\":{\"generation_id\":\"gen_1\",\"media\":[" + items + "]},\"err\":{}}";
    }

    @Test
    void createBodyIsAnArrayWithPromptObjectBatchSizeAndDefaultModel() throws Exception {
        Job job = new Job();
        job.setKey("k1");
        job.setRequest(new GenerationRequest("k1", false, "rendernet", "a dog", "cats", "2:3", 2, 99L,
                Map.of("quality", "Plus"), Map.of(), List.of()));

        JsonNode body = new ObjectMapper().readTree(provider.createCall(job).body());

        assertThat(body.isArray()).isTrue();
        JsonNode g = body.get(0);
        assertThat(g.path("prompt").path("positive").asText()).isEqualTo("a dog");
        assertThat(g.path("prompt").path("negative").asText()).isEqualTo("cats");
        assertThat(g.path("batch_size").asInt()).isEqualTo(2);
        assertThat(g.path("seed").asLong()).isEqualTo(99);
        assertThat(g.path("model").asText()).isEqualTo("JuggernautXL");
        assertThat(g.path("quality").asText()).isEqualTo("Plus");
    }

    @Test
    void aRequestsTopLevelModelIsRenderNetsModel() throws Exception {
        Job job = new Job();
        job.setKey("k2");
        job.setRequest(new GenerationRequest("k2", false, "rendernet", "a dog", null, null, null, null,
                Map.of("quality", "Plus"), Map.of(), List.of(), "DreamShaper"));

        JsonNode body = new ObjectMapper().readTree(provider.createCall(job).body());

        assertThat(body.get(0).path("model").asText()).isEqualTo("DreamShaper");
        assertThat(provider.modelOf(job.getRequest())).isEqualTo("DreamShaper");
    }

    @Test
    void derivesTheGenerationStatusFromItsMedia() {
        assertThat(provider.readStatus(ok(media("initiated", "initiated"))).kind()).isEqualTo(StatusResult.Kind.QUEUED);
        assertThat(provider.readStatus(ok(media("success", "pending"))).kind()).isEqualTo(StatusResult.Kind.RUNNING);
        assertThat(provider.readStatus(ok(media("processing"))).kind()).isEqualTo(StatusResult.Kind.RUNNING);
        StatusResult done = provider.readStatus(ok(media("success", "success")));
        assertThat(done.kind()).isEqualTo(StatusResult.Kind.SUCCEEDED);
        assertThat(done.imageUrls()).hasSize(2);
        assertThat(provider.readStatus(ok(media("success", "failed"))).imageUrls()).hasSize(1);
        assertThat(provider.readStatus(ok(media("failed", "failed"))).needsCensorCheck()).isTrue();
    }

    @Test
    void learnsCensorshipOnlyFromTheStatusEndpoint() {
        assertThat(provider.readCensorCheck(ok("{\"data\":[{\"image_id\":\"i\",\"status\":\"censored\"}],\"err\":{}}")).kind())
                .isEqualTo(StatusResult.Kind.CENSORED);
        assertThat(provider.readCensorCheck(ok("{\"data\":[{\"image_id\":\"i\",\"status\":\"failed\"}],\"err\":{}}")).kind())
                .isEqualTo(StatusResult.Kind.FAILED);
        assertThat(provider.readCensorCheck(new HttpReply(410, "", null, null)).kind()).isEqualTo(StatusResult.Kind.FAILED);
    }

    @Test
    void readsTheErrorEnvelopeAndTreatsAny2xxAsCreated() {
        CreateResult refused = provider.readCreate(new HttpReply(400,
                "{\"data\":null,\"err\":{\"code\":\"GE09\",\"message\":\"Invalid styles\"}}", null, null));
        assertThat(refused.kind()).isEqualTo(CreateResult.Kind.REFUSED);
        assertThat(refused.reason()).contains("GE09 Invalid styles");
        for (int status : new int[] {200, 201, 202}) {
            assertThat(provider.readCreate(new HttpReply(status, "{\"data\":{\"generation_id\":\"gen_9\"},\"err\":{}}", null, null))
                    .providerJobId()).isEqualTo("gen_9");
        }
    }

    @Test
    void withoutTheListItCannotBeSearchedSoALostCreateIsNeverGuessed() {
        Job job = new Job();
        job.setKey("k1");
        assertThat(provider.findCall(job)).isNull();
    }

    @Test
    void withTheListALostCreateIsLookedForAmongTheLatestGenerations() {
        RenderNetProvider listing = new RenderNetProvider(
                new ProviderSettings("rendernet", "https://api.rendernet.ai", "k", 0, ""), "JuggernautXL", 4, true);
        Job job = new Job();
        job.setKey("k1");
        assertThat(listing.findCall(job).url()).isEqualTo("https://api.rendernet.ai/pub/v1/generations?page=1&page_size=49");

        FindResult listed = listing.readFind(job, ok("{\"data\":[{\"generation_id\":\"gen_2\",\"created_at\":1700000002,"
                + "\"media\":[]},{\"generation_id\":\"gen_1\",\"created_at\":1700000001,\"media\":[]}],\"err\":{},"
                + "\"pagination\":{\"page\":1,\"page_size\":50,\"total\":2}}"));
        assertThat(listed.kind()).isEqualTo(FindResult.Kind.LISTED);
        assertThat(listed.listed()).containsExactly(new FindResult.Listed("gen_2", 1_700_000_002_000L),
                new FindResult.Listed("gen_1", 1_700_000_001_000L));
        assertThat(listed.complete()).isTrue();
        assertThat(listing.readFind(job, ok("{\"data\":[],\"err\":{},\"pagination\":{\"total\":80}}")).complete()).isFalse();
        assertThat(listing.readFind(job, new HttpReply(503, "", null, null)).kind()).isEqualTo(FindResult.Kind.RETRY_LATER);
        assertThat(listing.readFind(job, ok("{\"data\": [{\"generation_id\": ")).kind()).isEqualTo(FindResult.Kind.UNKNOWN);
        assertThat(listing.readFind(job, ok("{\"data\":[{\"generation_id\":\"gen_3\"}]}")).kind())
                .isEqualTo(FindResult.Kind.UNKNOWN);
    }
}
