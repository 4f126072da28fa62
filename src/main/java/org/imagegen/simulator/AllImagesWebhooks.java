package org.imagegen.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * all-images.ai's webhooks in the simulator, per API key: {@code POST /v1/api-keys/webhook/subscribe {url, events}}
 * registers a URL, {@code DELETE /v1/api-keys/webhook/unsubscribe/{id}} removes it, and {@code print.completed} or
 * {@code print.failed} is posted once to every subscription whose events match when a generation ends (unsigned,
 * not retried, as the documentation describes no more).
 */
final class AllImagesWebhooks implements AutoCloseable {

    private static final String UNSUBSCRIBE = "/v1/api-keys/webhook/unsubscribe/";

    private record Subscription(String url, List<String> events) {
    }

    private final AllImagesSimulator simulator;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final AtomicInteger sent = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "AllImagesSimulator-webhooks");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    AllImagesWebhooks(AllImagesSimulator simulator) {
        this.simulator = simulator;
    }

    /** {@code POST /v1/api-keys/webhook/subscribe}: every event unless the body names some. */
    void subscribe(HttpExchange exchange) throws IOException {
        JsonNode body = ProviderSimulator.JSON.readTree(ProviderSimulator.body(exchange));
        String url = body == null ? "" : body.path("url").asText("");
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            AllImagesSimulator.error(exchange, 400, "Bad Request", List.of("url must be a URL address"));
            return;
        }
        List<String> events = new ArrayList<>();
        body.path("events").forEach(e -> events.add(e.asText()));
        if (events.isEmpty()) {
            events.addAll(List.of("print.failed", "print.completed"));
        }
        String id = ProviderSimulator.newId("wh_");
        subscriptions.put(id, new Subscription(url, events));
        ProviderSimulator.sendJson(exchange, 201, Map.of("webhookId", id));
    }

    /** {@code DELETE /v1/api-keys/webhook/unsubscribe/{id}}. */
    void unsubscribe(HttpExchange exchange, String path) throws IOException {
        // the documented error answer for an id it does not hold (unknown, or removed already) is 400
        if (subscriptions.remove(path.substring(UNSUBSCRIBE.length())) == null) {
            AllImagesSimulator.error(exchange, 400, "Bad Request", "Webhook not found");
        } else {
            ProviderSimulator.send(exchange, 200, "application/json", new byte[0]);
        }
    }

    static boolean isUnsubscribe(String path) {
        return path.startsWith(UNSUBSCRIBE);
    }

    /** When the generation ends (not for one that never does), every subscription whose events match is posted to. */
    void schedule(SimulatedGeneration g) {
        if (g.fate == SimulatedGeneration.Fate.NEVER || timer.isShutdown()) {
            return;
        }
        int attempt = g.attempt;
        timer.schedule(() -> {
            if (subscriptions.isEmpty() || g.attempt != attempt || !simulator.generations.containsKey(g.id)) {
                return;
            }
            post(g, System.currentTimeMillis());
        }, g.durationMs + 20, TimeUnit.MILLISECONDS);
    }

    private void post(SimulatedGeneration g, long now) {
        String type = simulator.status(g, now) == 3 ? "print.completed" : "print.failed";
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", ProviderSimulator.newId("evt_"));
        event.put("api_version", 1);
        event.put("created", now / 1000);
        event.put("type", type);
        event.put("data", simulator.view(g, now));
        byte[] payload;
        try {
            payload = ProviderSimulator.JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            return;
        }
        for (Subscription s : subscriptions.values()) {
            if (s.events().contains(type)) {
                client.sendAsync(HttpRequest.newBuilder(URI.create(s.url()))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(),
                        HttpResponse.BodyHandlers.discarding());
                sent.incrementAndGet();
            }
        }
    }

    int sent() {
        return sent.get();
    }

    Set<String> ids() {
        return Set.copyOf(subscriptions.keySet());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
