package org.imagegen.provider.definition;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import org.imagegen.provider.Providers;
import org.imagegen.simulator.TinySimulator;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.FreePorts;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.imagegen.support.ScriptedProvider.Call;
import org.imagegen.support.ScriptedProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.imagegen.support.ApiClient.json;

/**
 * The status side of provider definitions, against the real routes/ and config/: a fal-like queue API (a scripted
 * stub on 127.0.0.1) whose create returns a status URL with a query string and whose result is fetched from a second
 * URL once the status says COMPLETED; the queue position shown by the HTTP API while the job waits; a result
 * answering 422 failing the job with its detail; and a definition that names a simulator, called at the simulator
 * instead of its base URL while the bundle runs, the simulator closed when it stops.
 */
@ExtendWith(PostgresJobStore.class)
class DefinedProviderStatusTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String KEY = "queue-key-41";
    private static final String TOKEN = "status-test-token-0123456789";
    private static final Folders FOLDERS = new Folders("defined-status").clean();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A fal-like definition: the status and result at the URLs the create returned; $status and $url in use. */
    private static final String QUEUE_DEFINITION = """
            baseUrl: "{{imagegen.providers.queuey.base-url}}"
            apiKey: "{{imagegen.providers.queuey.api-key}}"
            authFormat: "Key %s"
            downloadHosts: localhost
            model: flux/dev
            createPath: "/fal-ai/${model}"
            createBody: "{prompt: .prompt}"
            createId: ".request_id"
            createStatusUrl: ".status_url"
            errorMessage: ".detail | tostring"
            statusOutcome: >-
              if .status == "COMPLETED" then {state: "fetch", url: .response_url}
              elif .status == "IN_QUEUE" then {state: "queued", position: .queue_position}
              elif .status == "IN_PROGRESS" then {state: "running"}
              else {state: "unknown"} end
            resultOutcome: >-
              if $status == 200 then {state: "succeeded", images: [.images[]?.url]}
              elif $status == 422 then {state: "failed",
              reason: ((.detail | map(.msg) | join("; ")) + " (result " + $url + ")")}
              else {state: "failed", reason: (.detail | tostring)} end
            """;

    /** A definition that names the test's simulator: with imagegen.simulate=true it is never called at its base URL. */
    private static final String SIMULATED_DEFINITION = """
            baseUrl: "https://api.tiny.invalid"
            apiKey: ""
            simulator: tiny
            createPath: "/v1/generations"
            createBody: "{prompt: .prompt}"
            createId: ".id"
            statusPath: "/v1/generations/${id}"
            statusOutcome: >-
              if .status == "done" then {state: "succeeded", images: [.url]} else {state: "running"} end
            """;

    private static QueueStub queue;
    private static RunningBundle bundle;
    private static ApiClient api;
    private static TinySimulator tinySimulator;

    @BeforeAll
    static void start() throws Exception {
        TinySimulator.register();
        queue = QueueStub.start();
        FOLDERS.addProvider("queuey", QUEUE_DEFINITION);
        FOLDERS.addProvider("tiny", SIMULATED_DEFINITION);
        List<String> settings = new ArrayList<>(List.of(FOLDERS.fastBundle(
                FOLDERS.withTestProviders(),
                "imagegen.api.token=" + TOKEN,
                "imagegen.poll.queued-interval=200ms",
                "imagegen.providers.queuey.base-url=http://127.0.0.1:" + queue.port(),
                "imagegen.providers.queuey.api-key=" + KEY)));
        bundle = RunningBundle.start(settings.toArray(String[]::new));
        api = ApiClient.of(bundle, TOKEN);
    }

    @AfterAll
    static void stop() throws Exception {
        bundle.close();
        queue.stop();
        if (tinySimulator != null) {
            assertThat(FreePorts.listening(tinySimulator.port())).as("the simulator stops with the bundle").isFalse();
        }
    }

    @Test
    void aQueuedJobShowsItsPositionThenItsResultIsFetchedFromTheUrlTheStatusNamesAndDelivered() throws IOException {
        FOLDERS.drop("held.json", "{\"id\": \"queue-held\", \"provider\": \"queuey\", \"prompt\": \"a heron [hold]\"}");

        JsonNode waiting = await().atMost(WAIT).until(() -> json(api.get("/api/generations/queue-held")),
                view -> view.path("position").asInt(-1) == 3);
        assertThat(waiting.path("state").asText()).isEqualTo("RUNNING");
        String id = waiting.path("providerGenerationId").asText();
        assertThat(id).as("the provider's own id, not the status URL").startsWith("req-");
        int checksWhileQueued = queue.statusChecks(id);
        assertThat(checksWhileQueued).isPositive();

        queue.release(id);
        JsonNode manifest = FOLDERS.awaitEnded("queue-held", "DELIVERED", WAIT);

        assertThat(manifest.path("providerGenerationId").asText()).isEqualTo(id);
        Path file = FOLDERS.outbox.resolve("queue-held").resolve(manifest.path("images").get(0).path("file").asText());
        assertThat(Files.readAllBytes(file)).isEqualTo(queue.png);
        // the status URL was called exactly as returned (its query string too), the result once
        List<Call> status = queue.calls(c -> c.path().equals("/fal-ai/flux/requests/" + id + "/status"));
        assertThat(status).hasSizeGreaterThan(checksWhileQueued).allSatisfy(c -> assertThat(c.query()).isEqualTo("logs=1"));
        assertThat(queue.calls(c -> c.path().equals("/fal-ai/flux/requests/" + id))).hasSize(1);
        // the key to the API's origin on every call (create, status, result), never to the image host
        assertThat(queue.calls(c -> c.host().startsWith("127.0.0.1:")))
                .allSatisfy(c -> assertThat(c.authorization()).isEqualTo("Key " + KEY));
        assertThat(queue.calls(c -> c.host().startsWith("localhost:"))).isNotEmpty()
                .allSatisfy(c -> assertThat(c.authorization()).isNull());
        JsonNode done = json(api.get("/api/generations/queue-held"));
        assertThat(done.path("position").isNull()).as(done.toPrettyString()).isTrue();
        assertThat(done.path("progress").asInt()).isEqualTo(100);
    }

    @Test
    void aResultThatAnswers422FailsTheJobWithItsDetail() {
        FOLDERS.drop("invalid.json", "{\"id\": \"queue-invalid\", \"provider\": \"queuey\", \"prompt\": \"x [invalid]\"}");

        JsonNode manifest = FOLDERS.awaitEnded("queue-invalid", "FAILED", WAIT);

        String id = manifest.path("providerGenerationId").asText();
        assertThat(manifest.path("reason").asText()).isEqualTo("prompt contains a blocked word (result http://127.0.0.1:"
                + queue.port() + "/fal-ai/flux/requests/" + id + ")");
        assertThat(queue.calls(c -> c.path().equals("/fal-ai/flux/requests/" + id))).hasSize(1);
    }

    @Test
    void aDefinitionThatNamesASimulatorIsCalledAtTheSimulatorInsteadOfItsBaseUrl() throws Exception {
        DefinedProvider tiny = (DefinedProvider) bundle.bean("providers", Providers.class).get("tiny");
        TinySimulator simulator = TinySimulator.started().stream().filter(s -> s.baseUrl().equals(tiny.baseUrl()))
                .findFirst().orElseThrow(() -> new AssertionError("no simulator started at " + tiny.baseUrl()));
        assertThat(tiny.isSimulated()).isTrue();

        FOLDERS.drop("tiny.json", "{\"id\": \"tiny-1\", \"provider\": \"tiny\", \"prompt\": \"a wren\"}");
        FOLDERS.awaitEnded("tiny-1", "DELIVERED", WAIT);

        assertThat(simulator.createsFor("tiny-1")).isEqualTo(1);
        assertThat(simulator.authorizations).isNotEmpty().allSatisfy(a -> assertThat(a).isEqualTo("Bearer simulated"));
        assertThat(FreePorts.listening(simulator.port())).isTrue();
        // the bundle stops with the class: its simulator must stop with it (checked in stop())
        tinySimulator = simulator;
    }

    /**
     * fal's queue, scripted: create answers {request_id, status_url (with a query string), response_url}; the status
     * is IN_PROGRESS once, then COMPLETED ("[hold]": IN_QUEUE at position 3 until released); the result has one image
     * ("[invalid]": 422 with a validation detail).
     */
    static final class QueueStub extends ScriptedProvider {

        final byte[] png = png();
        private final Map<String, String> prompts = new ConcurrentHashMap<>();
        private final Set<String> released = ConcurrentHashMap.newKeySet();
        private final AtomicInteger ids = new AtomicInteger();

        static QueueStub start() {
            QueueStub stub = new QueueStub();
            stub.listen();
            return stub;
        }

        void release(String id) {
            released.add(id);
        }

        @Override
        protected void answer(HttpExchange exchange, Call call) throws IOException {
            String path = call.path();
            String method = call.method();
            String base = "http://127.0.0.1:" + port() + "/fal-ai/flux/requests/";
            if (path.startsWith("/files/")) {
                png(exchange, png);
            } else if (method.equals("POST") && path.equals("/fal-ai/flux/dev")) {
                String id = "req-" + ids.incrementAndGet();
                prompts.put(id, JSON.readTree(call.body()).path("prompt").asText());
                json(exchange, 200, "{\"request_id\": \"" + id + "\", \"status_url\": \"" + base + id
                        + "/status?logs=1\", \"response_url\": \"" + base + id + "\", \"cancel_url\": \"" + base + id
                        + "/cancel\"}");
            } else if (method.equals("GET") && path.matches("/fal-ai/flux/requests/[^/]+/status")) {
                String id = path.split("/")[4];
                int n = checked(id);
                boolean held = prompts.getOrDefault(id, "").contains("[hold]") && !released.contains(id);
                json(exchange, held || n == 1 ? 202 : 200, held
                        ? "{\"status\": \"IN_QUEUE\", \"queue_position\": 3, \"response_url\": \"" + base + id + "\"}"
                        : n == 1 ? "{\"status\": \"IN_PROGRESS\", \"logs\": []}"
                        : "{\"status\": \"COMPLETED\", \"response_url\": \"" + base + id + "\"}");
            } else if (method.equals("GET") && path.matches("/fal-ai/flux/requests/[^/]+")) {
                String id = path.split("/")[4];
                if (prompts.getOrDefault(id, "").contains("[invalid]")) {
                    json(exchange, 422, "{\"detail\": [{\"loc\": [\"body\", \"prompt\"], \"msg\":"
                            + " \"prompt contains a blocked word\", \"type\": \"value_error\"}]}");
                } else {
                    json(exchange, 200, "{\"images\": [{\"url\": \"http://localhost:" + port() + "/files/" + id
                            + ".png\", \"content_type\": \"image/png\"}], \"seed\": 7}");
                }
            } else {
                json(exchange, 404, "{\"detail\": \"Not Found\"}");
            }
        }

        private static byte[] png() {
            BufferedImage image = new BufferedImage(20, 12, BufferedImage.TYPE_INT_RGB);
            image.setRGB(5, 5, 0x3366ff);
            return png(image);
        }
    }
}
