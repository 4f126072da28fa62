package org.imagegen.provider;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.job.Job;
import org.imagegen.provider.definition.DefinedProvider;
import org.imagegen.provider.definition.ProviderDefinition;
import org.imagegen.provider.definition.StatusCheck;
import org.imagegen.request.GenerationRequest;
import org.imagegen.request.Problem;
import org.imagegen.request.Problems;
import org.imagegen.support.ShippedDefinition;
import org.imagegen.support.TestJobs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RenderNet as routes/providers/rendernet.camel.yaml declares it, read with the shipped settings: the request mapping,
 * the state derived from the media items, the censor check through the deprecated status endpoint, the error envelope,
 * and the lost create looked for in the generation list, one page inside both documented page_size bounds.
 */
class RenderNetDefinitionTest {

    private static final String BASE = "https://api.rendernet.ai";
    private static final String STATUS = BASE + "/pub/v1/generations/gen_1";
    private final DefinedProvider provider = ShippedDefinition.provider("rendernet");

    private static HttpReply ok(String body) {
        return new HttpReply(200, body, null, "application/json", STATUS);
    }

    private static String media(String... statuses) {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < statuses.length; i++) {
            items.append(i == 0 ? "" : ",").append("{\"id\":\"media_").append(i).append("\",\"status\":\"")
                    .append(statuses[i]).append("\"")
                    .append(statuses[i].equals("success") ? ",\"url\":\"https://cdn.example.test/" + i + ".png\"" : "")
                    .append(statuses[i].equals("failed") ? ",\"url\":\"\"" : "")
                    .append("}");
        }
        return "{\"data\":{\"generation_id\":\"gen_1\",\"media\":[" + items + "]},\"err\":{}}";
    }

    private static Job job(GenerationRequest request) {
        Job job = TestJobs.of(request);
        job.setProviderJobId("gen_1");
        return job;
    }

    private StatusResult status(String body) {
        StatusCheck check = provider.checkStatus(ok(body));
        assertThat(check.fetch()).as(body).isNull();
        return check.result();
    }

    @Test
    void createBodyIsAnArrayWithPromptObjectBatchSizeAndDefaultModel() throws Exception {
        Job job = job(new GenerationRequest("k1", false, "rendernet", "a dog", "cats", "2:3", 2, 99L,
                Map.of("quality", "Plus"), Map.of(), List.of()));

        ProviderCall create = provider.createCall(job);
        JsonNode body = new ObjectMapper().readTree(create.body());

        assertThat(create.method()).isEqualTo("POST");
        assertThat(create.url()).isEqualTo(BASE + "/pub/v1/generations");
        assertThat(create.authenticated()).isTrue();
        assertThat(provider.authHeader()).isEqualTo("X-API-KEY");
        assertThat(body.isArray()).isTrue();
        assertThat(body).hasSize(1);
        JsonNode g = body.get(0);
        assertThat(g.path("prompt").path("positive").asText()).isEqualTo("a dog");
        assertThat(g.path("prompt").path("negative").asText()).isEqualTo("cats");
        assertThat(g.path("aspect_ratio").asText()).isEqualTo("2:3");
        assertThat(g.path("batch_size").asInt()).isEqualTo(2);
        assertThat(g.path("seed").asLong()).isEqualTo(99);
        assertThat(g.path("model").asText()).isEqualTo("JuggernautXL");
        assertThat(g.path("quality").asText()).isEqualTo("Plus");

        JsonNode plain = new ObjectMapper().readTree(provider.createCall(job(new GenerationRequest("k0", false,
                "rendernet", "a cat", null, null, null, null, Map.of(), Map.of(), List.of()))).body()).get(0);
        assertThat(plain.path("aspect_ratio").asText()).isEqualTo("1:1");
        assertThat(plain.path("batch_size").asInt()).isEqualTo(1);
        assertThat(plain.has("seed")).isFalse();
        assertThat(plain.path("prompt").has("negative")).isFalse();
    }

    @Test
    void aRequestsTopLevelModelIsRenderNetsModelAndAStyleSendsNoDefaultModel() throws Exception {
        Job job = job(new GenerationRequest("k2", false, "rendernet", "a dog", null, null, null, null,
                Map.of("quality", "Plus"), Map.of(), List.of(), "DreamShaper"));

        JsonNode body = new ObjectMapper().readTree(provider.createCall(job).body());

        assertThat(body.get(0).path("model").asText()).isEqualTo("DreamShaper");
        assertThat(provider.modelOf(job.getRequest())).isEqualTo("DreamShaper");

        JsonNode styled = new ObjectMapper().readTree(provider.createCall(job(new GenerationRequest("k3", false,
                "rendernet", "a dog", null, null, null, null, Map.of("style_detail", Map.of("name", "Black & White")),
                Map.of(), List.of()))).body()).get(0);
        assertThat(styled.path("style_detail").path("name").asText()).isEqualTo("Black & White");
        assertThat(styled.has("model")).as("a style is the generation's type: no default model beside it").isFalse();
        // generation times are learned per style when the request chose one, else per model
        assertThat(provider.modelOf(new GenerationRequest("k3", false, "rendernet", "a dog", null, null, null, null,
                Map.of("style_detail", Map.of("name", "Black & White")), Map.of(), List.of())))
                .isEqualTo("style:Black & White");
        assertThat(provider.modelOf(new GenerationRequest("k4", false, "rendernet", "a dog", null, null, null, null,
                Map.of(), Map.of(), List.of()))).isEqualTo("JuggernautXL");
    }

    @Test
    void derivesTheGenerationStatusFromItsMedia() {
        assertThat(status(media("initiated", "initiated")).kind()).isEqualTo(StatusResult.Kind.QUEUED);
        assertThat(status(media("success", "pending")).kind()).isEqualTo(StatusResult.Kind.RUNNING);
        assertThat(status(media("initiated", "pending")).kind()).isEqualTo(StatusResult.Kind.RUNNING);
        assertThat(status(media("processing")).kind()).isEqualTo(StatusResult.Kind.RUNNING);
        StatusResult done = status(media("success", "success"));
        assertThat(done.kind()).isEqualTo(StatusResult.Kind.SUCCEEDED);
        assertThat(done.imageUrls()).containsExactly("https://cdn.example.test/0.png", "https://cdn.example.test/1.png");
        assertThat(status(media("success", "failed")).imageUrls()).containsExactly("https://cdn.example.test/0.png");
        assertThat(status("{\"data\":{\"generation_id\":\"gen_1\",\"media\":[]},\"err\":{}}").kind())
                .as("no media items: checked again").isEqualTo(StatusResult.Kind.RETRY_LATER);
        assertThat(status("{\"data\": {\"media\": [").reason()).contains("malformed JSON");

        // every item failed: the deprecated status endpoint is asked, in the same check, with the key
        StatusCheck allFailed = provider.checkStatus(ok(media("failed", "failed")));
        assertThat(allFailed.fetch()).isNotNull();
        assertThat(allFailed.fetch().url()).isEqualTo(STATUS + "/status");
        assertThat(allFailed.fetch().authenticated()).isTrue();
    }

    @Test
    void learnsCensorshipOnlyFromTheStatusEndpoint() {
        assertThat(provider.readResult(ok("{\"data\":[{\"image_id\":\"i\",\"status\":\"censored\"}],\"err\":{}}")).kind())
                .isEqualTo(StatusResult.Kind.CENSORED);
        StatusResult failed = provider.readResult(ok("{\"data\":[{\"image_id\":\"i\",\"status\":\"failed\"}],\"err\":{}}"));
        assertThat(failed.kind()).isEqualTo(StatusResult.Kind.FAILED);
        assertThat(failed.reason()).isEqualTo("RenderNet reported every image as failed");
        // the endpoint is deprecating: whatever else it answers, the job is failed, only less precisely
        for (int code : new int[] {410, 404, 500, 503, 429}) {
            assertThat(provider.readResult(new HttpReply(code, "", null, null, STATUS + "/status")).kind())
                    .as("HTTP " + code).isEqualTo(StatusResult.Kind.FAILED);
        }
    }

    @Test
    void readsTheErrorEnvelopeAndTreatsAny2xxAsCreated() {
        CreateResult refused = provider.readCreate(new HttpReply(400,
                "{\"data\":null,\"err\":{\"code\":\"GE09\",\"message\":\"Invalid styles\"}}", null, null));
        assertThat(refused.kind()).isEqualTo(CreateResult.Kind.REFUSED);
        assertThat(refused.reason()).contains("GE09 Invalid styles");
        assertThat(provider.readCreate(new HttpReply(402, "{\"data\":null,\"error\":{\"message\":\"No credits\"}}",
                null, null)).reason()).contains("No credits");
        for (int status : new int[] {200, 201, 202}) {
            assertThat(provider.readCreate(new HttpReply(status, "{\"data\":{\"generation_id\":\"gen_9\"},\"err\":{}}", null, null))
                    .providerJobId()).isEqualTo("gen_9");
        }
        assertThat(provider.readCreate(new HttpReply(429, "", null, null)).kind()).isEqualTo(CreateResult.Kind.NOT_CREATED_RETRY);
        assertThat(provider.readCreate(new HttpReply(502, "", null, null)).kind()).isEqualTo(CreateResult.Kind.UNCONFIRMED);
        assertThat(provider.readCreate(new HttpReply(201, "{\"data\": {\"generation_id\": ", null, null)).kind())
                .isEqualTo(CreateResult.Kind.UNCONFIRMED);
    }

    private List<Problem> problems(String model, String negativePrompt, Map<String, Object> options) {
        Problems problems = new Problems(1);
        provider.validate(new GenerationRequest("k", false, "rendernet", "p", negativePrompt, null, null, null, options,
                Map.of(), List.of(), model), problems);
        return problems.list();
    }

    private static Map<String, String> byField(List<Problem> problems) {
        Map<String, String> byField = new java.util.TreeMap<>();
        problems.forEach(p -> byField.put(p.field(), p.message()));
        return byField;
    }

    @Test
    void refusesWhatRenderNetWouldRefuseNamingTheField() {
        assertThat(problems(null, "n", Map.of("quality", "Plus", "sampler", "Euler a", "cfg_scale", 7, "steps", 20,
                "loras", List.of(Map.of("name", "l", "weight", 0.5)), "style_detail", Map.of("name", "Noir"))))
                .as("a request RenderNet takes").isEmpty();

        Map<String, String> refused = byField(problems(null, null, Map.of("quality", "Ultra", "sampler", "euler a",
                "cfg_scale", "7", "steps", 151, "loras", "l", "character", "chr_01")));
        assertThat(refused).containsOnlyKeys("options.quality", "options.sampler", "options.cfg_scale", "options.steps",
                "options.loras", "options.character");
        assertThat(refused.get("options.quality")).isEqualTo("'Ultra' is not a quality; expected one of [Plus, Regular]");
        assertThat(refused.get("options.sampler")).contains("case-sensitive").contains("Euler a");
        assertThat(refused.get("options.cfg_scale")).isEqualTo("must be a number");
        assertThat(refused.get("options.steps")).isEqualTo("must be a whole number from 1 to 150");
        assertThat(refused.get("options.loras")).contains("array");
        assertThat(refused.get("options.character")).isEqualTo("must be a JSON object");
        assertThat(byField(problems(null, null, Map.of("steps", 0))).keySet()).containsExactly("options.steps");
        assertThat(byField(problems(null, null, Map.of("steps", 2.5))).keySet()).containsExactly("options.steps");
        assertThat(byField(problems(null, null, Map.of("model", 5))).keySet()).containsExactly("options.model");
        // options of another type than RenderNet's are refused by field, never taken for a match
        assertThat(byField(problems(null, null, Map.of("quality", List.of("Plus"), "sampler", Map.of("a", 1),
                "style", List.of(), "style_detail", "Noir", "loras", Map.of()))).keySet())
                .containsExactlyInAnyOrder("options.quality", "options.sampler", "options.style_detail", "options.loras");

        // the model named twice, differently
        assertThat(byField(problems("Flux", null, Map.of("model", "DreamShaper"))))
                .containsExactly(Map.entry("model", "is 'Flux' but options.model says 'DreamShaper'; name the model once"));
        assertThat(problems("DreamShaper", null, Map.of("model", "DreamShaper"))).isEmpty();
        // the Flux model's own rules, whether the model is named at the top or in the options
        assertThat(byField(problems("Flux", "n", Map.of("steps", 20, "facelock", Map.of("asset_id", "a")))))
                .containsOnlyKeys("negativePrompt", "options.steps")
                .containsEntry("options.steps", "the Flux model does not accept this option");
        assertThat(byField(problems(null, null, Map.of("model", "Flux", "quality", "Plus"))).keySet())
                .containsExactly("options.quality");
        // an option RenderNet does not have, and the declared limits
        assertThat(byField(problems(null, null, Map.of("webhook", "x"))).keySet()).containsExactly("options.webhook");
    }

    @Test
    void aCancelDeletesTheGeneration() {
        ProviderCall delete = provider.deleteCall(job(new GenerationRequest("k1", false, "rendernet", "a dog", null,
                null, null, null, Map.of(), Map.of(), List.of())));
        assertThat(delete.method()).isEqualTo("DELETE");
        assertThat(delete.url()).isEqualTo(STATUS);
        assertThat(delete.authenticated()).isTrue();
    }

    @Test
    void withoutTheListItCannotBeSearchedSoALostCreateIsNeverGuessed() {
        DefinedProvider off = ShippedDefinition.provider("rendernet", "imagegen.providers.rendernet.reconcile-by-list=false");
        assertThat(off.findCall(job(new GenerationRequest("k1", false, "rendernet", "a dog", null, null, null, null,
                Map.of(), Map.of(), List.of())))).isNull();
    }

    @Test
    void withTheListALostCreateIsLookedForAmongTheLatestGenerations() {
        Job job = job(new GenerationRequest("k1", false, "rendernet", "a dog", null, null, null, null,
                Map.of(), Map.of(), List.of()));
        ProviderCall list = provider.findCall(job);
        assertThat(list.url()).isEqualTo(BASE + "/pub/v1/generations?page=1&page_size=49");
        assertThat(list.method()).isEqualTo("GET");
        assertThat(list.authenticated()).isTrue();

        FindResult listed = provider.readFind(job, ok("{\"data\":[{\"generation_id\":\"gen_2\",\"created_at\":1700000002,"
                + "\"media\":[]},{\"generation_id\":\"gen_1\",\"created_at\":1700000001,\"media\":[]}],\"err\":{},"
                + "\"pagination\":{\"page\":1,\"page_size\":50,\"total\":2}}"));
        assertThat(listed.kind()).isEqualTo(FindResult.Kind.LISTED);
        assertThat(listed.listed()).containsExactly(new FindResult.Listed("gen_2", 1_700_000_002_000L),
                new FindResult.Listed("gen_1", 1_700_000_001_000L));
        assertThat(listed.complete()).isTrue();
        assertThat(provider.readFind(job, ok("{\"data\":[],\"err\":{},\"pagination\":{\"total\":80}}")).complete()).isFalse();
        assertThat(provider.readFind(job, ok("{\"data\":[],\"err\":{}}")).complete()).isFalse();
        assertThat(provider.readFind(job, new HttpReply(503, "", null, null)).kind()).isEqualTo(FindResult.Kind.RETRY_LATER);
        assertThat(provider.readFind(job, new HttpReply(400, "{\"data\":null,\"err\":{\"code\":\"GE10\","
                + "\"message\":\"page_size\"}}", null, null)).kind()).isEqualTo(FindResult.Kind.UNKNOWN);
        assertThat(provider.readFind(job, ok("{\"data\": [{\"generation_id\": ")).kind()).isEqualTo(FindResult.Kind.UNKNOWN);
        assertThat(provider.readFind(job, ok("{\"data\":[{\"generation_id\":\"gen_3\"}]}")).kind())
                .isEqualTo(FindResult.Kind.UNKNOWN);
    }

    @Test
    void thePageSizeStaysInsideBothDocumentedBounds() {
        ProviderDefinition shipped = ShippedDefinition.definition("rendernet");
        assertThat(Integer.parseInt(shipped.find().getFindListPageSize())).isBetween(2, 49);
        for (String size : List.of("50", "1")) {
            ProviderDefinition d = ShippedDefinition.definition("rendernet");
            d.setFindListPageSize(size);
            assertThatThrownBy(() -> new DefinedProvider("rendernet", d)).as(size)
                    .hasMessageContaining("provider definition 'rendernet'").hasMessageContaining("findListPageSize")
                    .hasMessageContaining("2 to 49");
        }
    }
}
