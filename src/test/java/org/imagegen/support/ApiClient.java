package org.imagegen.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

import static org.awaitility.Awaitility.await;

/** Talks to the bundle's HTTP port on 127.0.0.1 as a client of the API would. */
public final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Only against a server that hangs: a 100,000-record batch on a busy machine takes well over 20 s. */
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    public ApiClient(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    /** The running bundle's API, on the port its server actually listens on (tests run it on port 0: any free one). */
    public static ApiClient of(RunningBundle bundle, String token) {
        return of(bundle.context(), token);
    }

    /** The same for the bundle of a {@code @CamelMainTest}, through its context. */
    public static ApiClient of(CamelContext context, String token) {
        return new ApiClient(context.hasService(VertxPlatformHttpServer.class).getPort(), token);
    }

    public HttpResponse<byte[]> get(String path) {
        return send(request(path).GET());
    }

    public HttpResponse<byte[]> post(String path, String body, String... headers) {
        HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    /** A body sent as the exact bytes given (not necessarily UTF-8), with its content type. */
    public HttpResponse<byte[]> post(String path, byte[] body, String contentType) {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", contentType));
    }

    public HttpResponse<byte[]> delete(String path) {
        return send(request(path).DELETE());
    }

    /** A request without the token (or with another one, when {@code token} is given). */
    public HttpResponse<byte[]> send(String method, String path, String authorization, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token);
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) {
        return send(http, request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** {@code request} sent on {@code http}, for a test: a failure to send unchecked, an interrupt kept. */
    public static <T> HttpResponse<T> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The generation {@code id} as {@code GET /api/generations/{id}} shows it, once it is in {@code state}. */
    public JsonNode awaitState(String id, String state, Duration wait) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(wait).pollInterval(Duration.ofMillis(100)).until(() -> {
            HttpResponse<byte[]> response = get("/api/generations/" + id);
            last[0] = response.statusCode() == 200 ? json(response) : null;
            return last[0] != null && state.equals(last[0].path("state").asText());
        });
        return last[0];
    }

    public static JsonNode json(HttpResponse<byte[]> response) {
        try {
            return JSON.readTree(new String(response.body(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON (HTTP " + response.statusCode() + "): "
                    + new String(response.body(), StandardCharsets.UTF_8), e);
        }
    }

    public static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
