package org.imagegen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import java.net.http.HttpResponse;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.BflSimulator;
import org.imagegen.simulator.FalSimulator;
import org.imagegen.simulator.LeonardoSimulator;
import org.imagegen.simulator.OpenAiSimulator;
import org.imagegen.simulator.ProviderSimulator;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.simulator.ReplicateSimulator;
import org.imagegen.simulator.SimulatorSettings;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The API keys never leave the bundle except in the providers' own auth headers: a whole run (start-up, deliveries,
 * a provider failure, a rejected record, logs at INFO, the HTTP API, the job events) is searched for them. The five
 * providers declared by definition files run with keys of their own against their simulators (started here with
 * those keys, the base URLs pointed at them, so they are called as the real services are): each simulator notes
 * every request that carried its key, and none may have gone to its image host.
 */
@ExtendWith(PostgresJobStore.class)
class SecretsTest {

    private static final String ALL_IMAGES_KEY = "aik-LEAKCHECK-4be1f09c";
    private static final String RENDERNET_KEY = "rnk-LEAKCHECK-77d2aa31";
    // the HTTP side's secrets: the API token and the webhook path secret
    private static final String API_TOKEN = "tok-LEAKCHECK-5c0e19ab";
    private static final String WEBHOOK_SECRET = "whs-LEAKCHECK-e3a4d7f2";
    /** The defined providers: a distinctive key each, and their simulators. */
    private static final Map<String, String> DEFINED_KEYS = Map.of(
            "openai", "sk-LEAKCHECK-0a1b2c3d", "bfl", "bfl-LEAKCHECK-9e8f7a6b", "fal", "fal-LEAKCHECK-1f2e3d4c",
            "replicate", "r8-LEAKCHECK-5a6b7c8d", "leonardo", "leo-LEAKCHECK-3c4d5e6f");
    private static final Map<String, Function<SimulatorSettings, ProviderSimulator>> SIMULATORS = Map.of(
            "openai", OpenAiSimulator::new, "bfl", BflSimulator::new, "fal", FalSimulator::new,
            "replicate", ReplicateSimulator::new, "leonardo", LeonardoSimulator::new);

    @Test
    void noApiKeyAppearsInLogsManifestsOrErrorFiles() throws Exception {
        Folders folders = new Folders("secrets").clean();
        SimulatorSettings ai = new SimulatorSettings(0, Duration.ofMillis(200), Duration.ofMillis(400), 0, 0, 0, 0,
                Duration.ZERO, ALL_IMAGES_KEY, 3, 32);
        SimulatorSettings rn = new SimulatorSettings(0, Duration.ofMillis(200), Duration.ofMillis(400), 0, 0, 0, 0,
                Duration.ZERO, RENDERNET_KEY, 4, 32);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        // the test configuration keeps these at WARN; this test reads everything they say at INFO
        List<Logger> loud = List.of(root, (Logger) LoggerFactory.getLogger("org.imagegen"),
                (Logger) LoggerFactory.getLogger("org.apache.camel"));
        List<Level> before = loud.stream().map(Logger::getLevel).toList();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        loud.forEach(l -> l.setLevel(Level.INFO));
        Map<String, ProviderSimulator> defined = new LinkedHashMap<>();
        try (AllImagesSimulator allImages = (AllImagesSimulator) new AllImagesSimulator(ai).start();
             RenderNetSimulator rendernet = (RenderNetSimulator) new RenderNetSimulator(rn).start()) {
            List<String> settings = new ArrayList<>(List.of(folders.properties()));
            settings.addAll(List.of(
                    "imagegen.providers.all-images.base-url=" + allImages.baseUrl(),
                    "imagegen.providers.all-images.api-key=" + ALL_IMAGES_KEY,
                    "imagegen.providers.rendernet.base-url=" + rendernet.baseUrl(),
                    "imagegen.providers.rendernet.api-key=" + RENDERNET_KEY,
                    // the simulator's media host, listed as an operator lists RenderNet's S3 bucket
                    "imagegen.providers.rendernet.download-hosts=" + String.join(",", rendernet.imageHosts()),
                    "imagegen.poll.initial-delay=200ms", "imagegen.poll.interval=200ms",
                    "imagegen.poll.queued-interval=200ms", "imagegen.loop.tick=50ms",
                    "imagegen.inbox.poll=100ms", "imagegen.inbox.stable=100ms",
                    "imagegen.api.token=" + API_TOKEN, "imagegen.webhooks.enabled=true",
                    "imagegen.webhooks.secret=" + WEBHOOK_SECRET,
                    "imagegen.events.endpoints=file:" + folders.root.resolve("events"),
                    "imagegen.events.poll=50ms"));
            for (String provider : DEFINED_KEYS.keySet()) {
                String key = DEFINED_KEYS.get(provider);
                ProviderSimulator simulator = SIMULATORS.get(provider).apply(new SimulatorSettings(0,
                        Duration.ofMillis(200), Duration.ofMillis(400), 0, 0, 0, 0, Duration.ZERO, key, 5, 32)).start();
                defined.put(provider, simulator);
                simulator.received().watchFor(key);
                // with its key set the provider calls its base URL (imagegen.simulate=auto), as the real service
                settings.addAll(List.of("imagegen.providers." + provider + ".base-url=" + simulator.baseUrl(),
                        "imagegen.providers." + provider + ".api-key=" + key,
                        "imagegen.providers." + provider + ".download-hosts=" + String.join(",", simulator.imageHosts())));
            }
            try (RunningBundle bundle = RunningBundle.start(settings.toArray(String[]::new))) {
                // the leader (this instance) subscribes once it leads: the webhooks below need it
                await().atMost(Duration.ofSeconds(20)).until(() -> allImages.webhookSubscriptions() == 1);
                folders.drop("mixed.jsonl", """
                        {"id": "s-ai", "prompt": "a key-free cat"}
                        {"id": "s-rn", "provider": "rendernet", "prompt": "a key-free dog"}
                        {"id": "s-fail", "prompt": "fails sim:fail"}
                        {"id": "s-bad", "provider": "rendernet", "prompt": "bad", "aspectRatio": "7:4"}
                        """);
                folders.drop("defined.jsonl", String.join("\n", DEFINED_KEYS.keySet().stream().map(p ->
                        "{\"id\": \"s-" + p + "\", \"provider\": \"" + p + "\", \"prompt\": \"a key-free "
                                + p + "\"}").toList()) + "\n");
                for (String id : List.of("s-ai", "s-rn", "s-fail")) {
                    folders.awaitManifest(id, Duration.ofSeconds(20));
                }
                ApiClient reader = ApiClient.of(bundle, API_TOKEN);
                for (String provider : DEFINED_KEYS.keySet()) {
                    JsonNode manifest = folders.awaitManifest("s-" + provider, Duration.ofSeconds(20));
                    assertThat(manifest.path("state").asText()).as(manifest.toPrettyString()).isEqualTo("DELIVERED");
                    assertThat(defined.get(provider).createsFor("s-" + provider)).as(provider).isEqualTo(1);
                    HttpResponse<byte[]> view = reader.get("/api/generations/s-" + provider);
                    assertThat(view.statusCode()).isEqualTo(200);
                    assertNoKey(new String(view.body(), StandardCharsets.UTF_8), "the API's view of s-" + provider);
                }
                assertThat(allImages.createsFor("s-ai")).isEqualTo(1);
                assertThat(rendernet.createsFor("s-rn")).isEqualTo(1);
                // the HTTP API with its token, a wrong token, the key check of readiness, webhooks
                ApiClient api = ApiClient.of(bundle, API_TOKEN);
                assertThat(api.post("/api/generations", "{\"id\": \"s-api\", \"prompt\": \"over HTTP\"}")
                        .statusCode()).isEqualTo(202);
                assertThat(api.send("GET", "/api/generations/s-api", "Bearer " + API_TOKEN + "x", null).statusCode())
                        .isEqualTo(401);
                assertThat(api.send("GET", "/observe/health/ready", null, null).statusCode()).isEqualTo(200);
                folders.awaitManifest("s-api", Duration.ofSeconds(20));
                assertThat(allImages.webhooksSent()).isPositive();
            }
        } finally {
            defined.values().forEach(ProviderSimulator::close);
            root.detachAppender(logs);
            for (int i = 0; i < loud.size(); i++) {
                loud.get(i).setLevel(before.get(i));
            }
        }

        // each key went to its own API, in its own header, and never to an image host (the simulators' "localhost")
        for (Map.Entry<String, ProviderSimulator> simulator : defined.entrySet()) {
            List<String> carried = simulator.getValue().received().carrying();
            String apiHost = java.net.URI.create(simulator.getValue().baseUrl()).getAuthority();
            assertThat(carried).as(simulator.getKey()).isNotEmpty()
                    .allSatisfy(r -> assertThat(r).startsWith(apiHost + " ").doesNotContain("(uri)"));
        }
        assertThat(logs.list).as("log events captured").hasSizeGreaterThan(30)
                .anyMatch(e -> e.getFormattedMessage().contains("s-fail: FAILED"));
        for (ILoggingEvent event : logs.list) {
            String text = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertNoKey(text, "a log event");
        }
        List<Path> written = filesUnder(folders.outbox, folders.inbox, folders.root.resolve("events"));
        assertThat(filesUnder(folders.root.resolve("events"))).as("job events written").hasSizeGreaterThan(10);
        assertThat(written).anyMatch(p -> p.endsWith("manifest.json")).anyMatch(p -> p.toString().endsWith(".error.json"));
        for (Path file : written) {
            String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            assertNoKey(content, file.toString());
        }
    }

    private static void assertNoKey(String text, String where) {
        List<String> keys = new ArrayList<>(List.of(ALL_IMAGES_KEY, RENDERNET_KEY, API_TOKEN, WEBHOOK_SECRET));
        keys.addAll(DEFINED_KEYS.values());
        for (String key : keys) {
            assertThat(text).as(where).doesNotContain(key);
        }
    }

    private static List<Path> filesUnder(Path... roots) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        return files;
    }
}
