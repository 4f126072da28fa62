package org.imagegen.simulator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The Replicate simulator driven over HTTP through Replicate's contract. */
class ReplicateSimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHNELL = "/v1/models/black-forest-labs/flux-schnell/predictions";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    @AutoClose
    private final ReplicateSimulator simulator = SimulatorHttp.started(new ReplicateSimulator(new SimulatorSettings(0,
            Duration.ofMillis(150), Duration.ofMillis(250), 0, 0, 0, 0, Duration.ofMillis(200), "", 7L, 64)));

    @Test
    void aPredictionStartsProcessesAndSucceedsWithAnArrayOfFilesOnAnotherHost() throws Exception {
        HttpResponse<String> created = post(SCHNELL, "key-1",
                Map.of("input", Map.of("prompt", "a red fox", "num_outputs", 2, "aspect_ratio", "16:9")));

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode prediction = JSON.readTree(created.body());
        assertThat(prediction.path("status").asText()).isEqualTo("starting");
        assertThat(prediction.path("model").asText()).isEqualTo("black-forest-labs/flux-schnell");
        String id = prediction.path("id").asText();
        assertThat(prediction.path("urls").path("get").asText()).isEqualTo(simulator.baseUrl() + "/v1/predictions/" + id);
        assertThat(prediction.path("urls").path("cancel").asText()).endsWith("/v1/predictions/" + id + "/cancel");

        JsonNode done = awaitTerminal(id);
        assertThat(done.path("status").asText()).isEqualTo("succeeded");
        assertThat(done.path("output").isArray()).isTrue();
        assertThat(done.path("output")).hasSize(2);
        String file = done.path("output").get(0).asText();
        assertThat(URI.create(file).getHost()).isEqualTo("localhost").isIn(simulator.imageHosts());
        HttpResponse<byte[]> image = client.send(HttpRequest.newBuilder(URI.create(file)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(new String(image.body(), 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        // the same file on the API's host is not there, as replicate.delivery is not api.replicate.com
        HttpResponse<String> onApiHost = client.send(HttpRequest.newBuilder(URI.create(
                file.replace("localhost", "127.0.0.1"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(onApiHost.statusCode()).isEqualTo(404);
        assertThat(simulator.createsFor("key-1")).isEqualTo(1);
    }

    @Test
    void flux11ProAnswersOneUriStringAndAVersionCreateWorksToo() throws Exception {
        JsonNode pro = JSON.readTree(post("/v1/models/black-forest-labs/flux-1.1-pro/predictions", "pro",
                Map.of("input", Map.of("prompt", "a lighthouse"))).body());
        HttpResponse<String> byVersion = post("/v1/predictions", "version",
                Map.of("version", "black-forest-labs/flux-dev", "input", Map.of("prompt", "a harbour")));
        assertThat(byVersion.statusCode()).isEqualTo(201);

        assertThat(awaitTerminal(pro.path("id").asText()).path("output").isTextual()).isTrue();
        JsonNode dev = awaitTerminal(JSON.readTree(byVersion.body()).path("id").asText());
        assertThat(dev.path("model").asText()).isEqualTo("black-forest-labs/flux-dev");
        assertThat(dev.path("output").isArray()).isTrue();
    }

    @Test
    void nsfwIsAFailedPredictionWithFluxsMessageAndAbortedAndCanceledAreTerminal() throws Exception {
        String censored = create("a prompt sim:censor", "censored");
        String single = JSON.readTree(post("/v1/models/black-forest-labs/flux-1.1-pro/predictions", "censored-pro",
                Map.of("input", Map.of("prompt", "sim:censor"))).body()).path("id").asText();
        String aborted = create("too late sim:aborted", "aborted");
        String failed = create("broken sim:fail", "failed");

        JsonNode nsfw = awaitTerminal(censored);
        assertThat(nsfw.path("status").asText()).isEqualTo("failed");
        assertThat(nsfw.path("error").asText()).contains("NSFW content");
        assertThat(awaitTerminal(single).path("error").asText()).startsWith("Generated image contained NSFW");
        JsonNode abortedView = awaitTerminal(aborted);
        assertThat(abortedView.path("status").asText()).isEqualTo("aborted");
        assertThat(abortedView.path("started_at").isNull()).isTrue();
        JsonNode failedView = awaitTerminal(failed);
        assertThat(failedView.path("status").asText()).isEqualTo("failed");
        assertThat(failedView.path("error").asText()).doesNotContain("NSFW");
    }

    @Test
    void aCancelledPredictionStaysCanceled() throws Exception {
        String id = create("slow one sim:ms=60000", "cancel");

        HttpResponse<String> cancel = client.send(request("/v1/predictions/" + id + "/cancel", "k")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(cancel.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(cancel.body()).path("status").asText()).isEqualTo("canceled");
        assertThat(get(id).path("status").asText()).isEqualTo("canceled");
    }

    @Test
    void faultsAtCreateAndCheckLookAsReplicatesDo() throws Exception {
        String prompt = "sim:create-429x1 sim:create-429barex1 sim:check-500x1 sim:retry-after=3";
        HttpResponse<String> throttled = post(SCHNELL, "faults", Map.of("input", Map.of("prompt", prompt)));
        HttpResponse<String> bare = post(SCHNELL, "faults", Map.of("input", Map.of("prompt", prompt)));
        HttpResponse<String> created = post(SCHNELL, "faults", Map.of("input", Map.of("prompt", prompt)));

        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).hasValue("3");
        JsonNode problem = JSON.readTree(throttled.body());
        assertThat(problem.path("detail").asText()).startsWith("Request was throttled.");
        assertThat(problem.path("status").asInt()).isEqualTo(429);
        assertThat(bare.statusCode()).isEqualTo(429);
        assertThat(bare.headers().firstValue("Retry-After")).isEmpty();
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(simulator.createsFor("faults")).isEqualTo(1);

        String id = JSON.readTree(created.body()).path("id").asText();
        HttpResponse<String> check = client.send(request("/v1/predictions/" + id, "k").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(check.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(check.body()).fieldNames()).toIterable().contains("type", "title", "status", "detail");
        assertThat(awaitTerminal(id).path("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void aLostOrCutOffCreateAnswerStillMadeThePrediction() throws Exception {
        assertThatThrownBy(() -> post(SCHNELL, "lost", Map.of("input", Map.of("prompt", "sim:create-lost"))))
                .isInstanceOf(IOException.class);
        HttpResponse<String> malformed = post(SCHNELL, "cut", Map.of("input", Map.of("prompt", "sim:create-malformedx1")));

        assertThat(simulator.createsFor("lost")).isEqualTo(1);
        assertThat(malformed.statusCode()).isEqualTo(201);
        assertThatThrownBy(() -> JSON.readTree(malformed.body())).isInstanceOf(IOException.class);
        assertThat(simulator.createsFor("cut")).isEqualTo(1);
    }

    @Test
    void aMissingOrWrongKeyAndABadInputAreRefused() throws Exception {
        HttpResponse<String> noKey = client.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + SCHNELL))
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\": {\"prompt\": \"x\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> noPrompt = post(SCHNELL, "bad", Map.of("input", Map.of("aspect_ratio", "1:1")));
        HttpResponse<String> tooMany = post(SCHNELL, "bad", Map.of("input", Map.of("prompt", "x", "num_outputs", 5)));

        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(noKey.body()).path("title").asText()).isEqualTo("Unauthenticated");
        assertThat(noPrompt.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(noPrompt.body()).path("invalid_fields").get(0).path("description").asText())
                .contains("prompt");
        assertThat(tooMany.statusCode()).isEqualTo(422);
        assertThat(simulator.totalCreates()).isZero();

        try (ReplicateSimulator keyed = (ReplicateSimulator) new ReplicateSimulator(new SimulatorSettings(0,
                Duration.ofMillis(100), Duration.ofMillis(100), 0, 0, 0, 0, Duration.ZERO, "right", 1L, 32)).start()) {
            HttpResponse<String> wrong = client.send(HttpRequest.newBuilder(URI.create(keyed.baseUrl() + SCHNELL))
                    .header("Authorization", "Bearer wrong")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"input\": {\"prompt\": \"x\"}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void outputAndFilesAreRemovedAfterTheirLifetime() throws Exception {
        String id = create("short lived sim:expire-ms=300", "expiring");
        JsonNode done = awaitTerminal(id);
        String file = done.path("output").get(0).asText();

        await().atMost(Duration.ofSeconds(5)).until(() -> get(id).path("data_removed").asBoolean());
        assertThat(get(id).path("output").isNull()).isTrue();
        assertThat(client.send(HttpRequest.newBuilder(URI.create(file)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
    }

    @Test
    void theFinishedPredictionIsPostedToTheWebhookSignedAsStandardWebhooks() throws Exception {
        ConcurrentLinkedQueue<Map<String, String>> received = new ConcurrentLinkedQueue<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/webhooks/replicate", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(Map.of("id", exchange.getRequestHeaders().getFirst("webhook-id"),
                    "timestamp", exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    "signature", exchange.getRequestHeaders().getFirst("webhook-signature"),
                    "body", new String(body, StandardCharsets.UTF_8)));
            // the first delivery fails: the sender tries again with the same webhook id
            exchange.sendResponseHeaders(calls.getAndIncrement() == 0 ? 500 : 204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/webhooks/replicate";
            String id = JSON.readTree(post(SCHNELL, "hooked", Map.of("input", Map.of("prompt", "hooked"),
                    "webhook", url, "webhook_events_filter", List.of("completed"))).body()).path("id").asText();

            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
            String secret = JSON.readTree(client.send(request("/v1/webhooks/default/secret", "k").GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("key").asText();
            assertThat(secret).startsWith("whsec_");
            List<Map<String, String>> deliveries = List.copyOf(received);
            assertThat(deliveries.get(1).get("id")).isEqualTo(deliveries.get(0).get("id"));
            for (Map<String, String> delivery : deliveries) {
                assertThat(delivery.get("signature")).isEqualTo("v1," + hmac(secret,
                        delivery.get("id") + "." + delivery.get("timestamp") + "." + delivery.get("body")));
                JsonNode payload = JSON.readTree(delivery.get("body"));
                assertThat(payload.path("id").asText()).isEqualTo(id);
                assertThat(payload.path("status").asText()).isEqualTo("succeeded");
            }
            // completed only: no "start" delivery, and nothing more after the one that was taken
            assertThat(calls.get()).isEqualTo(2);
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aWebhookOutsideThisMachineIsNeverCalled() throws Exception {
        String id = JSON.readTree(post(SCHNELL, "far", Map.of("input", Map.of("prompt", "far"),
                "webhook", "https://example.com/hook")).body()).path("id").asText();

        assertThat(awaitTerminal(id).path("status").asText()).isEqualTo("succeeded");
        await().atMost(Duration.ofSeconds(5)).until(() -> simulator.webhookDeliveries().size() == 2);
        assertThat(simulator.webhookDeliveries()).allSatisfy(d -> assertThat(d.status()).isZero());
    }

    private static String hmac(String secret, String content) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    }

    private String create(String prompt, String jobKey) throws Exception {
        HttpResponse<String> created = post(SCHNELL, jobKey, Map.of("input", Map.of("prompt", prompt)));
        assertThat(created.statusCode()).isEqualTo(201);
        return JSON.readTree(created.body()).path("id").asText();
    }

    private JsonNode awaitTerminal(String id) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() ->
                List.of("succeeded", "failed", "canceled", "aborted").contains(get(id).path("status").asText()));
        try {
            return get(id);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode get(String id) throws Exception {
        HttpResponse<String> answer = client.send(request("/v1/predictions/" + id, "k").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private HttpResponse<String> post(String path, String jobKey, Object body) throws Exception {
        return client.send(request(path, "simulated").header("Idempotency-Key", jobKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String key) {
        return HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + key);
    }
}
