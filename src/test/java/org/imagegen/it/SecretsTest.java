package org.imagegen.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.simulator.SimulatorSettings;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.RunningBundle;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The API keys never leave the bundle except in the providers' own auth headers: a whole run (start-up, deliveries,
 * a provider failure, a rejected record, logs at INFO) is searched for them.
 */
class SecretsTest {

    private static final String ALL_IMAGES_KEY = "aik-LEAKCHECK-4be1f09c";
    private static final String RENDERNET_KEY = "rnk-LEAKCHECK-77d2aa31";
    // the HTTP side's secrets: the API token and the webhook path secret
    private static final String API_TOKEN = "tok-LEAKCHECK-5c0e19ab";
    private static final String WEBHOOK_SECRET = "whs-LEAKCHECK-e3a4d7f2";

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
                    "imagegen.webhooks.secret=" + WEBHOOK_SECRET));
            try (RunningBundle bundle = RunningBundle.start(settings.toArray(String[]::new))) {
                // the leader (this instance) subscribes once it leads: the webhooks below need it
                await().atMost(Duration.ofSeconds(20)).until(() -> allImages.webhookSubscriptions() == 1);
                folders.drop("mixed.jsonl", """
                        {"id": "s-ai", "prompt": "a key-free cat"}
                        {"id": "s-rn", "provider": "rendernet", "prompt": "a key-free dog"}
                        {"id": "s-fail", "prompt": "fails sim:fail"}
                        {"id": "s-bad", "provider": "rendernet", "prompt": "bad", "aspectRatio": "7:4"}
                        """);
                for (String id : List.of("s-ai", "s-rn", "s-fail")) {
                    folders.awaitManifest(id, Duration.ofSeconds(20));
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
            root.detachAppender(logs);
            for (int i = 0; i < loud.size(); i++) {
                loud.get(i).setLevel(before.get(i));
            }
        }

        assertThat(logs.list).as("log events captured").hasSizeGreaterThan(30)
                .anyMatch(e -> e.getFormattedMessage().contains("s-fail: FAILED"));
        for (ILoggingEvent event : logs.list) {
            String text = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertThat(text).doesNotContain(ALL_IMAGES_KEY).doesNotContain(RENDERNET_KEY).doesNotContain(API_TOKEN)
                    .doesNotContain(WEBHOOK_SECRET);
        }
        List<Path> written = filesUnder(folders.outbox, folders.inbox);
        assertThat(written).anyMatch(p -> p.endsWith("manifest.json")).anyMatch(p -> p.toString().endsWith(".error.json"));
        for (Path file : written) {
            String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            assertThat(content).as(file.toString()).doesNotContain(ALL_IMAGES_KEY).doesNotContain(RENDERNET_KEY)
                    .doesNotContain(API_TOKEN).doesNotContain(WEBHOOK_SECRET);
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
