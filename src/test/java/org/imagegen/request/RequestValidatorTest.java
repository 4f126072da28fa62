package org.imagegen.request;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.support.ShippedDefinition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RequestValidator validator = new RequestValidator(List.of(
            ShippedDefinition.provider("all-images", java.util.Map.of(
                    "imagegen.providers.all-images.base-url", "http://127.0.0.1:1/v1",
                    "imagegen.providers.all-images.api-key", "k", "imagegen.providers.all-images.retry.max", "1",
                    "imagegen.providers.all-images.process-mode", "fast")),
            // as routes/providers/rendernet.camel.yaml declares it
            ShippedDefinition.provider("rendernet", "imagegen.providers.rendernet.base-url=http://127.0.0.1:2")),
            "all-images", Set.of("outbox", "archive"), List.of("outbox"));

    private RequestValidator.Validated validate(String json) throws Exception {
        return validator.validate(new RawRecord(3, JSON.readTree(json), null));
    }

    private List<String> fields(String json) throws Exception {
        return validate(json).problems().stream().map(Problem::field).toList();
    }

    @Test
    void acceptsAMinimalRequestWithDefaults() throws Exception {
        RequestValidator.Validated v = validate("{\"id\": \"r-1\", \"prompt\": \"a cat\"}");
        assertThat(v.isAccepted()).isTrue();
        assertThat(v.request().provider()).isEqualTo("all-images");
        assertThat(v.request().sinks()).containsExactly("outbox");
        assertThat(v.request().key()).isEqualTo("r-1");
    }

    @Test
    void namesTheRecordTheIdAndTheFieldOfEachProblem() throws Exception {
        List<Problem> problems = validate("{\"id\": \"r-9\", \"prompt\": 5, \"provider\": \"dall-e\"}").problems();
        assertThat(problems).extracting(Problem::record).containsOnly(3);
        assertThat(problems).extracting(Problem::id).containsOnly("r-9");
        assertThat(problems).extracting(Problem::field).containsExactlyInAnyOrder("prompt", "provider");
        assertThat(problems.toString()).contains("must be a string").contains("unknown provider 'dall-e'");
    }

    @Test
    void requiresAPrompt() throws Exception {
        assertThat(fields("{\"id\": \"a\"}")).containsExactly("prompt");
        assertThat(fields("{\"prompt\": \"   \"}")).containsExactly("prompt");
    }

    @Test
    void refusesIdsThatAreNotSafeFileNames() throws Exception {
        for (String id : List.of("../etc", "a/b", "/abs", "a..b", ".hidden", "tab\there", "x".repeat(101), "")) {
            assertThat(fields(JSON.writeValueAsString(java.util.Map.of("id", id, "prompt", "p"))))
                    .as(id).contains("id");
        }
        assertThat(validate("{\"id\": \"ok_ID-1.2\", \"prompt\": \"p\"}").isAccepted()).isTrue();
    }

    @Test
    void showsControlCharactersInIdsEscaped() throws Exception {
        Problem problem = validate("{\"id\": \"a\\u0007b\", \"prompt\": \"p\"}").problems().get(0);
        assertThat(problem.id()).isEqualTo("a\\u0007b");
    }

    @Test
    void checksTypesAndUnknownFields() throws Exception {
        assertThat(fields("{\"prompt\": \"p\", \"count\": \"two\", \"seed\": 1.5, \"options\": [], \"promt\": \"x\"}"))
                .containsExactlyInAnyOrder("count", "seed", "options", "promt");
    }

    @Test
    void checksEachProvidersEnumsAndLimits() throws Exception {
        assertThat(fields("{\"prompt\": \"p\", \"aspectRatio\": \"2:1\"}")).containsExactly("aspectRatio");
        assertThat(fields("{\"prompt\": \"" + "x".repeat(4097) + "\"}")).containsExactly("prompt");
        assertThat(fields("{\"prompt\": \"p\", \"count\": 2}")).containsExactly("count");
        assertThat(fields("{\"prompt\": \"p --ar 3:2\"}")).containsExactly("prompt");
        assertThat(validate("{\"prompt\": \"p --ar 3:2\", \"options\": {\"mode\": \"advanced\"}}").isAccepted()).isTrue();
        assertThat(fields("{\"prompt\": \"p\", \"options\": {\"processMode\": \"turbo\", \"params\": {\"chaos\": \"101\"}}}"))
                .containsExactlyInAnyOrder("options.processMode", "options.params.chaos");
        assertThat(fields("{\"provider\": \"rendernet\", \"prompt\": \"p\", \"aspectRatio\": \"4:7\", \"count\": 9,"
                + " \"options\": {\"quality\": \"Ultra\", \"sampler\": \"euler a\", \"webhook\": \"x\"}}"))
                .containsExactlyInAnyOrder("aspectRatio", "count", "options.quality", "options.sampler", "options.webhook");
        assertThat(fields("{\"provider\": \"rendernet\", \"prompt\": \"p\", \"negativePrompt\": \"n\","
                + " \"options\": {\"model\": \"Flux\", \"steps\": 20}}"))
                .containsExactlyInAnyOrder("negativePrompt", "options.steps");
    }

    @Test
    void aModelIsTakenWhereTheProviderHasOneAndRefusedNamingTheFieldWhereNot() throws Exception {
        assertThat(validate("{\"prompt\": \"p\", \"model\": \"v6\"}").problems()).singleElement()
                .satisfies(p -> assertThat(p.field()).isEqualTo("model"))
                .satisfies(p -> assertThat(p.message()).contains("all-images.ai has no model"));
        assertThat(fields("{\"provider\": \"rendernet\", \"prompt\": \"p\", \"model\": 6}")).containsExactly("model");
        assertThat(fields("{\"provider\": \"rendernet\", \"prompt\": \"p\", \"model\": \" \"}")).containsExactly("model");
        assertThat(fields("{\"provider\": \"rendernet\", \"prompt\": \"p\", \"model\": \"Flux\","
                + " \"options\": {\"model\": \"DreamShaper\"}}")).containsExactly("model");
        assertThat(fields("{\"provider\": \"rendernet\", \"prompt\": \"p\", \"negativePrompt\": \"n\","
                + " \"model\": \"Flux\"}")).as("the model's own rules apply").containsExactly("negativePrompt");

        RequestValidator.Validated flux = validate("{\"provider\": \"rendernet\", \"prompt\": \"p\", \"model\": \"Flux\"}");
        assertThat(flux.request().model()).isEqualTo("Flux");
        String plain = validate("{\"provider\": \"rendernet\", \"prompt\": \"p\"}").request().key();
        assertThat(flux.request().key()).as("the model is part of the content key").isNotEqualTo(plain);
        assertThat(validate("{\"provider\": \"rendernet\", \"prompt\": \"p\"}").request().model()).isNull();
    }

    @Test
    void acceptsOnlyConfiguredSinkNames() throws Exception {
        assertThat(fields("{\"prompt\": \"p\", \"sinks\": [\"archive\", \"s3://bucket\"]}")).containsExactly("sinks");
        assertThat(validate("{\"prompt\": \"p\", \"sinks\": [\"archive\"]}").request().sinks()).containsExactly("archive");
    }

    @Test
    void keysARequestWithoutIdByItsContentWhateverTheFieldOrder() throws Exception {
        String a = validate("{\"prompt\": \"p\", \"aspectRatio\": \"1:1\", \"metadata\": {\"x\": 1, \"y\": 2}}").request().key();
        String b = validate("{\"metadata\": {\"y\": 2, \"x\": 1}, \"aspectRatio\": \"1:1\", \"prompt\": \"p\"}").request().key();
        String c = validate("{\"prompt\": \"q\", \"aspectRatio\": \"1:1\"}").request().key();
        assertThat(a).startsWith("sha-").isEqualTo(b).isNotEqualTo(c);
        assertThat(validate("{\"prompt\": \"p\"}").request().keyFromContent()).isTrue();
    }

    @Test
    void reportsARecordThatIsNoObject() {
        List<Problem> problems = validator.validate(new RawRecord(4, JSON.valueToTree(List.of(1)), null)).problems();
        assertThat(problems).singleElement().satisfies(p -> assertThat(p.message()).contains("JSON object"));
        assertThat(validator.validate(RawRecord.unreadable(5, "invalid JSON: x")).problems().get(0).record()).isEqualTo(5);
    }
}
