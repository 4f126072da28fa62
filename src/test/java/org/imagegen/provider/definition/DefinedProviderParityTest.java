package org.imagegen.provider.definition;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.support.ApiClient;
import org.imagegen.support.BundleTest;
import org.imagegen.support.Folders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.imagegen.support.ApiClient.json;
import static org.imagegen.support.ApiClient.text;

/**
 * The providers declared by definition files get what the seeds get, by name: their default sinks
 * (imagegen.providers.&lt;name&gt;.sinks), their job gauges on /observe/metrics, and a key check on readiness when the
 * definition declares keyCheckPath (Replicate and OpenAI do; fal does not). As shipped, on the simulators.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.QUICK_CHECKS, Folders.FAST_BUNDLE,
        App.CONFIG}, properties = {
        "imagegen.test.folders=defined-parity",
        "imagegen.api.port=0",
        "imagegen.api.token=" + DefinedProviderParityTest.TOKEN,
        "imagegen.console.enabled=false",
        "imagegen.sinks.names=outbox,replicated",
        "imagegen.sinks.replicated.type=file",
        "imagegen.sinks.replicated.root=target/it/defined-parity/replicated",
        "imagegen.providers.replicate.sinks=replicated",
        // RenderNet is a definition too: its default sinks come by the same path
        "imagegen.providers.rendernet.sinks=replicated"
})
class DefinedProviderParityTest extends BundleTest {

    static final String TOKEN = "defined-parity-token-0123456789";
    private static final Folders FOLDERS = new Folders("defined-parity").clean();
    private static final Path REPLICATED = FOLDERS.root.resolve("replicated");

    @Test
    void aDefinedProvidersJobGoesToItsOwnDefaultSinksAndTheOthersToTheGlobalDefault() {
        ApiClient api = api(TOKEN);
        assertThat(api.post("/api/generations", "{\"id\": \"par-replicate\", \"provider\": \"replicate\","
                + " \"prompt\": \"a heron\"}").statusCode()).isEqualTo(202);
        assertThat(api.post("/api/generations", "{\"id\": \"par-fal\", \"provider\": \"fal\","
                + " \"prompt\": \"a heron\"}").statusCode()).isEqualTo(202);
        assertThat(api.post("/api/generations", "{\"id\": \"par-rendernet\", \"provider\": \"rendernet\","
                + " \"prompt\": \"a heron\"}").statusCode()).isEqualTo(202);

        JsonNode replicate = await().atMost(WAIT).until(() -> json(api.get("/api/generations/par-replicate")),
                j -> j.path("state").asText().equals("DELIVERED"));
        assertThat(replicate.path("sinks").toString()).contains("replicated").doesNotContain("outbox");
        assertThat(Files.exists(REPLICATED.resolve("par-replicate").resolve("manifest.json"))).isTrue();
        assertThat(Files.exists(FOLDERS.outbox.resolve("par-replicate"))).isFalse();

        JsonNode rendernet = await().atMost(WAIT).until(() -> json(api.get("/api/generations/par-rendernet")),
                j -> j.path("state").asText().equals("DELIVERED"));
        assertThat(rendernet.path("sinks").toString()).contains("replicated").doesNotContain("outbox");
        assertThat(Files.exists(REPLICATED.resolve("par-rendernet").resolve("manifest.json"))).isTrue();

        JsonNode fal = FOLDERS.awaitEnded("par-fal", "DELIVERED", WAIT);
        assertThat(Files.exists(REPLICATED.resolve("par-fal"))).isFalse();

        // the job gauges of each defined provider, by state, read from the store
        await().atMost(WAIT).untilAsserted(() -> {
            String metrics = metrics(api);
            assertThat(value(metrics, "provider=\"replicate\",state=\"DELIVERED\"")).isGreaterThanOrEqualTo(1);
            assertThat(value(metrics, "provider=\"fal\",state=\"DELIVERED\"")).isGreaterThanOrEqualTo(1);
            assertThat(value(metrics, "provider=\"rendernet\",state=\"DELIVERED\"")).isGreaterThanOrEqualTo(1);
        });
        String metrics = metrics(api);
        for (String provider : new String[] {"rendernet", "bfl", "leonardo", "fal", "replicate", "openai"}) {
            assertThat(metrics).as(provider).contains("imagegen_jobs{provider=\"" + provider + "\",state=\"FAILED\"}");
        }
    }

    @Test
    void readinessChecksTheKeyOfTheDefinedProvidersThatDeclareAKeyCheck() {
        ApiClient api = api(TOKEN);
        JsonNode ready = await().atMost(WAIT).until(
                () -> json(api.send("GET", "/observe/health/ready?exposureLevel=full", null, null)),
                j -> j.path("checks").findValuesAsText("name").contains("provider-key-replicate"));
        assertThat(ready.path("checks").findValuesAsText("name"))
                .contains("provider-key-all-images", "provider-key-replicate", "provider-key-openai")
                .doesNotContain("provider-key-fal", "provider-key-bfl", "provider-key-rendernet");
        for (JsonNode check : ready.path("checks")) {
            if (check.path("name").asText().startsWith("provider-key-")) {
                assertThat(check.path("status").asText()).as(check.toString()).isEqualTo("UP");
            }
        }
    }

    private static String metrics(ApiClient api) {
        HttpResponse<byte[]> response = api.send("GET", "/observe/metrics", null, null);
        assertThat(response.statusCode()).isEqualTo(200);
        return text(response);
    }

    private static double value(String scrape, String labels) {
        Matcher m = Pattern.compile("^" + Pattern.quote("imagegen_jobs{" + labels) + "[^}]*\\} (\\S+)$",
                Pattern.MULTILINE).matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
