package org.imagegen.provider.definition;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.provider.Providers;
import org.imagegen.support.BundleTest;
import org.imagegen.support.Folders;
import org.imagegen.support.ScriptedProvider.Call;
import org.imagegen.support.ScriptedProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A provider added the way docs/adding-a-provider.md says: the docs' example definition (docs/examples/acme.camel.yaml,
 * read as it is) dropped into a folder the routes pattern loads, its keys set as system properties (as -D would),
 * and no Java of its own. A scripted stub of the example's API on 127.0.0.1 answers creates and status checks; its
 * images are served under a second loopback name (localhost), the definition's download host, so the test sees
 * which calls carried the key.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.FAST_BUNDLE, App.CONFIG}, properties = {
        Folders.WITH_TEST_PROVIDERS,
        "imagegen.test.folders=defined-provider",
        "imagegen.poll.initial-delay=100ms",
        "imagegen.poll.interval=150ms",
        "imagegen.poll.queued-interval=150ms"
})
class DefinedProviderTest extends BundleTest {

    private static final String KEY = "acme-test-key-7f3c";
    private static final AcmeStub ACME = AcmeStub.start();

    /** Made before the bundle starts: what it reads at its start is laid out here. */
    DefinedProviderTest() throws IOException {
        // what an operator does: the definition file into routes/providers/ (here the test's own providers folder),
        // its settings beside it
        folders.addProviderFile("acme", Files.readString(Path.of("docs", "examples", "acme.camel.yaml")));
        System.setProperty("imagegen.providers.acme.base-url", "http://127.0.0.1:" + ACME.port());
        System.setProperty("imagegen.providers.acme.api-key", KEY);
        System.setProperty("imagegen.providers.acme.download-hosts", "localhost");
    }

    @BeanInject("providers")
    Providers providers;

    @AfterAll
    void stopStub() {
        ACME.stop();
        System.clearProperty("imagegen.providers.acme.base-url");
        System.clearProperty("imagegen.providers.acme.api-key");
        System.clearProperty("imagegen.providers.acme.download-hosts");
    }

    @Test
    void aProviderFromADefinitionFileIsCreatedCheckedDownloadedAndDelivered() throws IOException {
        folders.drop("fox.json", """
                {"id": "acme-fox", "provider": "acme", "prompt": "a red fox", "aspectRatio": "16:9",
                 "options": {"style": "ink"}}""");

        JsonNode manifest = folders.awaitEnded("acme-fox", "DELIVERED", WAIT);

        assertThat(manifest.path("provider").asText()).isEqualTo("acme");
        assertThat(manifest.path("images")).hasSize(1);
        JsonNode image = manifest.path("images").get(0);
        assertThat(image.path("sourceUrl").asText()).startsWith("http://localhost:" + ACME.port() + "/files/");
        Path file = folders.outbox.resolve("acme-fox").resolve(image.path("file").asText());
        assertThat(Files.readAllBytes(file)).isEqualTo(ACME.png);

        List<Call> creates = ACME.creates("acme-fox");
        assertThat(creates).hasSize(1);
        Call create = creates.get(0);
        assertThat(create.path()).isEqualTo("/v1/models/acme-1/generations");
        JsonNode body = new ObjectMapper().readTree(create.body());
        assertThat(body.path("prompt").asText()).isEqualTo("a red fox");
        assertThat(body.path("aspect_ratio").asText()).isEqualTo("16:9");
        assertThat(body.path("n").asInt()).isEqualTo(1);
        assertThat(body.path("style").asText()).isEqualTo("ink");
        assertThat(body.has("seed")).as("nulls left out by the definition's jq").isFalse();
        String generation = manifest.path("providerGenerationId").asText();
        // queued, processing, done: the outcome object was read at every step
        assertThat(ACME.statusChecks(generation)).isGreaterThanOrEqualTo(3);

        // the key went with every call to the API host, never to the image host
        List<Call> api = ACME.calls(c -> c.host().startsWith("127.0.0.1:"));
        List<Call> images = ACME.calls(c -> c.host().startsWith("localhost:"));
        assertThat(api).isNotEmpty().allSatisfy(c -> assertThat(c.authorization()).isEqualTo("Bearer " + KEY));
        assertThat(images).isNotEmpty().allSatisfy(c -> assertThat(c.authorization()).isNull());
    }

    @Test
    void anAspectRatioTheDefinitionDoesNotAllowIsRejectedNamingTheField() {
        folders.drop("wide.json", """
                {"id": "acme-wide", "provider": "acme", "prompt": "a wide shore", "aspectRatio": "21:9"}""");

        JsonNode problem = folders.awaitFirstProblem("wide.json", WAIT);

        assertThat(problem.path("field").asText()).isEqualTo("aspectRatio");
        assertThat(problem.path("message").asText()).contains("21:9").contains("1:1, 16:9, 9:16");
        assertThat(folders.manifestPath("acme-wide")).doesNotExist();
        assertThat(ACME.creates("acme-wide")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            acme-fails   | an owl [error]    | FAILED   | model acme-1 ran out of memory
            acme-blocked | a sword [blocked] | CENSORED | prompt flagged: weapons
            """)
    void aFailedAndACensoredOutcomeEndTheJobWithTheProvidersReason(String id, String prompt, String state,
                                                                  String reason) {
        JsonNode manifest = folders.runJob(id, "acme", prompt, state, WAIT);

        assertThat(manifest.path("reason").asText()).contains(reason);
        assertThat(ACME.creates(id)).hasSize(1);
    }

    @Test
    void theDefinitionsSettingsComeFromItsPlaceholdersAndTheirDefaults() {
        DefinedProvider acme = (DefinedProvider) providers.get("acme");

        assertThat(acme.definition().connection().getBaseUrl()).isEqualTo("http://127.0.0.1:" + ACME.port());
        assertThat(acme.authValue()).isEqualTo("Bearer " + KEY);
        // not set for acme: the nested default, the bundle's imagegen.poll.interval, applies
        assertThat(acme.definition().pacing().getPollInterval()).isEqualTo("150ms");
        assertThat(acme.definition().requests().getModel()).isEqualTo("acme-1");
        assertThat(acme.definition().create().getCreatePath()).isEqualTo("/v1/models/${model}/generations");
    }

    /** The example's API, scripted: queued, then processing, then done (or error, or blocked, by the prompt). */
    static final class AcmeStub extends ScriptedProvider {

        final byte[] png = png();
        private final Map<String, String> prompts = new ConcurrentHashMap<>();
        private final AtomicInteger ids = new AtomicInteger();

        static AcmeStub start() {
            AcmeStub stub = new AcmeStub();
            stub.listen();
            return stub;
        }

        List<Call> creates(String jobKey) {
            return calls(c -> c.method().equals("POST") && c.path().endsWith("/generations")
                    && jobKey.equals(c.idempotencyKey()));
        }

        @Override
        protected void answer(HttpExchange exchange, Call call) throws IOException {
            String path = call.path();
            if (path.startsWith("/files/")) {
                png(exchange, png);
            } else if (call.method().equals("POST") && path.matches("/v1/models/[^/]+/generations")) {
                String id = "gen_" + ids.incrementAndGet();
                prompts.put(id, new ObjectMapper().readTree(call.body()).path("prompt").asText());
                json(exchange, 201, "{\"id\": \"" + id + "\", \"status\": \"queued\"}");
            } else if (call.method().equals("GET") && path.startsWith("/v1/generations/")) {
                String id = path.substring("/v1/generations/".length());
                String prompt = prompts.get(id);
                if (prompt == null) {
                    json(exchange, 404, "{\"error\": {\"message\": \"no generation " + id + "\"}}");
                    return;
                }
                int n = checked(id);
                String image = "http://localhost:" + port() + "/files/" + id + ".png";
                json(exchange, 200, n == 1 ? "{\"id\": \"" + id + "\", \"status\": \"queued\", \"queue_position\": 2}"
                        : n == 2 ? "{\"id\": \"" + id + "\", \"status\": \"processing\"}"
                        : prompt.contains("[error]") ? "{\"id\": \"" + id + "\", \"status\": \"error\", \"error\":"
                        + " {\"message\": \"model acme-1 ran out of memory\"}}"
                        : prompt.contains("[blocked]") ? "{\"id\": \"" + id + "\", \"status\": \"blocked\", \"error\":"
                        + " {\"message\": \"prompt flagged: weapons\"}}"
                        : "{\"id\": \"" + id + "\", \"status\": \"done\", \"output\": {\"images\": [{\"url\": \""
                        + image + "\"}]}}");
            } else {
                json(exchange, 404, "{\"error\": {\"message\": \"no such endpoint\"}}");
            }
        }

        private static byte[] png() {
            BufferedImage image = new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB);
            for (int x = 0; x < 24; x++) {
                image.setRGB(x, x % 16, 0xff8800);
            }
            return png(image);
        }
    }
}
