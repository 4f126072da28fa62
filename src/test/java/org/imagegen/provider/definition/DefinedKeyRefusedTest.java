package org.imagegen.provider.definition;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.imagegen.support.ApiClient.json;

/**
 * A defined provider whose key is refused makes the bundle not ready, naming it: the shipped OpenAI definition, called
 * for real (a key set) at a local stub that answers its keyCheckPath with 401 and checks the key it got.
 */
@ExtendWith(PostgresJobStore.class)
class DefinedKeyRefusedTest {

    private static final String TOKEN = "defined-key-token-0123456789";

    @Test
    void aRefusedKeyMakesTheProvidersKeyCheckDownAndTheBundleNotReady() throws Exception {
        AtomicInteger keyed = new AtomicInteger();
        HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/", exchange -> {
            if ("Bearer refused-key".equals(exchange.getRequestHeaders().getFirst("Authorization"))
                    && exchange.getRequestURI().getPath().equals("/v1/models")) {
                keyed.incrementAndGet();
            }
            byte[] body = "{\"error\": {\"message\": \"Incorrect API key provided\"}}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        stub.start();
        Folders folders = new Folders("defined-key-refused").clean();
        List<String> properties = new ArrayList<>(List.of(folders.properties()));
        properties.addAll(List.of("imagegen.api.token=" + TOKEN, "imagegen.simulate=auto",
                "imagegen.providers.openai.api-key=refused-key",
                "imagegen.providers.openai.base-url=http://127.0.0.1:" + stub.getAddress().getPort()));
        try (RunningBundle bundle = RunningBundle.start(properties.toArray(String[]::new))) {
            ApiClient api = ApiClient.of(bundle, TOKEN);
            HttpResponse<byte[]> ready = await().atMost(Duration.ofSeconds(20)).until(
                    () -> api.send("GET", "/observe/health/ready?exposureLevel=full", null, null),
                    r -> json(r).path("checks").findValuesAsText("name").contains("provider-key-openai"));
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode openai = null;
            for (JsonNode check : json(ready).path("checks")) {
                if (check.path("name").asText().equals("provider-key-openai")) {
                    openai = check;
                }
            }
            assertThat(openai).isNotNull();
            assertThat(openai.path("status").asText()).isEqualTo("DOWN");
            assertThat(openai.toString()).contains("refused the API key (HTTP 401)").doesNotContain("refused-key");
            assertThat(keyed.get()).as("the GET at keyCheckPath, with the key").isGreaterThanOrEqualTo(1);
        } finally {
            stub.stop(0);
        }
    }
}
