package org.imagegen.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A plain HTTP client for driving a simulator through its contract in tests: JSON in, status and JSON out. */
final class SimulatorHttp {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    /** One answer: its status, headers and body, the body also read as JSON (null when it is not JSON). */
    record Answer(int status, HttpResponse<byte[]> response) {
        String text() {
            return new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                return null;
            }
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        byte[] bytes() {
            return response.body();
        }
    }

    Answer send(String method, String url, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), response);
    }

    Answer get(String url, String... headers) throws IOException, InterruptedException {
        return send("GET", url, null, headers);
    }

    Answer post(String url, String body, String... headers) throws IOException, InterruptedException {
        return send("POST", url, body, headers);
    }

    /**
     * The image at {@code url}, a URL on the simulator's image host: a JPEG there, and not on the API's host
     * (127.0.0.1), the delivery host being another one.
     */
    Answer imageOnItsHost(String url) throws IOException, InterruptedException {
        Answer image = get(url);
        assertThat(image.status()).as(url).isEqualTo(200);
        assertThat(image.bytes()).startsWith((byte) 0xFF, (byte) 0xD8);
        assertThat(get(url.replace("//localhost:", "//127.0.0.1:")).status()).as("on the API's host").isEqualTo(404);
        return image;
    }

    /**
     * Waits until {@code simulator} has counted {@code downloads} images downloaded whole: it counts one once it has
     * sent it, which may be just after the client has it.
     */
    static void awaitDownloads(ProviderSimulator simulator, int downloads) {
        await().atMost(Duration.ofSeconds(5)).until(() -> simulator.fullyDownloaded() == downloads);
    }

    /** A JSON object from a Java map, for request bodies. */
    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * {@code simulator}, started: the field of a test that closes it after each test with {@code @AutoClose}
     * ({@code start()} answers the base type).
     */
    static <S extends ProviderSimulator> S started(S simulator) {
        simulator.start();
        return simulator;
    }

    /** Settings for tests: generations take 150–300 ms, nothing random, small images. */
    static SimulatorSettings quick() {
        return new SimulatorSettings(0, Duration.ofMillis(150), Duration.ofMillis(300), 0, 0, 0, 0,
                Duration.ofMillis(200), "", 7L, 48);
    }
}
