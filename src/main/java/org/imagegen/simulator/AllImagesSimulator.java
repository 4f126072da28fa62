package org.imagegen.simulator;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * A local all-images.ai following {@code ../shared/providers/all-images.md}: {@code api-key} auth, NestJS error
 * bodies, status 0/1 → 2 → 3 or 4, four JPEG images that fill in while processing, tag search, retry, update and
 * delete.
 */
public class AllImagesSimulator extends ProviderSimulator {

    private static final int IMAGES = 4;
    private static final List<String> FORMATS = List.of("1:1", "3:2", "2:3", "4:7", "7:4", "5:4", "4:5", "16:9", "9:16");

    public AllImagesSimulator(SimulatorSettings settings) {
        super(settings);
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    @Override
    protected void handle(HttpExchange exchange, String method, String path) throws IOException {
        if (!path.startsWith("/v1/")) {
            error(exchange, 404, "Not Found", "Cannot " + method + " " + path);
            return;
        }
        if (!authorised(exchange, "api-key")) {
            error(exchange, 401, "Unauthorized", "Invalid API key");
            return;
        }
        String[] parts = path.substring(4).split("/");
        if (parts[0].equals("image-generations")) {
            if (parts.length == 1 && method.equals("POST")) {
                create(exchange);
            } else if (parts.length == 1 && method.equals("GET")) {
                list(exchange);
            } else if (parts.length == 1 && method.equals("DELETE")) {
                delete(exchange);
            } else if (parts.length == 2 && method.equals("GET")) {
                try (CheckInFlight ignored = checkStarted(parts[1])) {
                    get(exchange, parts[1]);
                }
            } else if (parts.length == 2 && method.equals("PUT")) {
                update(exchange, parts[1]);
            } else if (parts.length == 3 && parts[1].equals("retry") && method.equals("POST")) {
                retry(exchange, parts[2]);
            } else {
                error(exchange, 404, "Not Found", "Cannot " + method + " " + path);
            }
        } else if (parts[0].equals("images") && parts.length == 3 && method.equals("GET")) {
            image(exchange, parts[2]);
        } else if (path.equals("/v1/api-keys/check")) {
            sendJson(exchange, 200, Map.of("email", "simulator@localhost"));
        } else {
            error(exchange, 404, "Not Found", "Cannot " + method + " " + path);
        }
    }

    private void create(HttpExchange exchange) throws IOException {
        JsonNode body;
        try {
            body = JSON.readTree(body(exchange));
        } catch (IOException e) {
            error(exchange, 400, "Bad Request", "Unexpected token in JSON");
            return;
        }
        List<String> problems = new ArrayList<>();
        if (!body.path("name").isTextual()) {
            problems.add("name must be a string");
        }
        String mode = body.path("mode").asText("");
        if (!mode.equals("simple") && !mode.equals("advanced")) {
            problems.add("mode must be one of the following values: simple, advanced");
        }
        String prompt = body.path("prompt").asText("");
        if (prompt.isBlank()) {
            problems.add("prompt should not be empty");
        } else if (prompt.length() > 4096) {
            problems.add("prompt must be shorter than or equal to 4096 characters");
        }
        for (JsonNode param : body.path("params")) {
            if (param.path("name").asText().equals("format") && !FORMATS.contains(param.path("value").asText())) {
                problems.add("format must be one of " + FORMATS);
            }
        }
        if (!problems.isEmpty()) {
            error(exchange, 400, "Bad Request", problems);
            return;
        }
        String jobKey = body.path("metaData").path("jobKey").asText(null);
        Scenario scenario = Scenario.of(prompt);
        if (refuseCreate(jobKey, scenario)) {
            sendText(exchange, 503, "Service Unavailable");
            return;
        }
        List<String> tags = new ArrayList<>();
        body.path("tags").forEach(t -> tags.add(t.asText()));
        SimulatedGeneration g = new SimulatedGeneration(newId("print_"), jobKey, prompt, tags,
                JSON.convertValue(body.path("metaData"), Object.class), JSON.convertValue(body.path("params"), Object.class),
                body.path("processMode").asText("fast"), scenario);
        begin(g, true);
        for (int i = 0; i < IMAGES; i++) {
            g.imageIds.add(newId("img_"));
        }
        register(g);
        countCreate(jobKey);
        if (loseAnswer(jobKey, scenario)) {
            dropConnection(exchange);
            return;
        }
        sendJson(exchange, 201, view(g, System.currentTimeMillis()));
    }

    private void begin(SimulatedGeneration g, boolean firstAttempt) {
        g.startedAt = System.currentTimeMillis();
        g.durationMs = drawDuration(g.scenario);
        g.fate = drawFate(g.scenario, firstAttempt);
    }

    private void get(HttpExchange exchange, String id) throws IOException {
        SimulatedGeneration g = generations.get(id);
        if (injectCheckFault(exchange, g)) {
            return;
        }
        if (g == null) {
            error(exchange, 404, "Not Found", "Image generation not found");
            return;
        }
        g.checks.incrementAndGet();
        sendJson(exchange, 200, view(g, System.currentTimeMillis()));
    }

    private void list(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange);
        String tag = query.get("tag");
        int limit = Integer.parseInt(query.getOrDefault("limit", "10"));
        long now = System.currentTimeMillis();
        List<Map<String, Object>> prints = generations.values().stream()
                .filter(g -> tag == null || g.tags.contains(tag))
                .limit(limit).map(g -> view(g, now)).toList();
        sendJson(exchange, 200, Map.of("filteredResults", prints.size(), "prints", prints));
    }

    private void update(HttpExchange exchange, String id) throws IOException {
        SimulatedGeneration g = generations.get(id);
        if (g == null) {
            error(exchange, 404, "Not Found", "Image generation not found");
            return;
        }
        int status = status(g, System.currentTimeMillis());
        if (status == 1 || status == 2) {
            error(exchange, 400, "Bad Request", "Image generation is being processed and cannot be modified");
            return;
        }
        body(exchange);
        sendJson(exchange, 200, view(g, System.currentTimeMillis()));
    }

    private void retry(HttpExchange exchange, String id) throws IOException {
        SimulatedGeneration g = generations.get(id);
        if (g == null) {
            error(exchange, 404, "Not Found", "Image generation not found");
            return;
        }
        if (status(g, System.currentTimeMillis()) != 4) {
            error(exchange, 400, "Bad Request", "Only a failed image generation can be retried");
            return;
        }
        g.attempt++;
        begin(g, false);
        sendJson(exchange, 201, view(g, System.currentTimeMillis()));
    }

    private void delete(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(body(exchange));
        if (body == null || !body.path("printIds").isArray()) {
            error(exchange, 400, "Bad Request", List.of("printIds must be an array"));
            return;
        }
        body.path("printIds").forEach(id -> generations.remove(id.asText()));
        send(exchange, 200, "application/json", new byte[0]);
    }

    private void image(HttpExchange exchange, String file) throws IOException {
        String imageId = file.endsWith(".jpg") ? file.substring(0, file.length() - 4) : file;
        SimulatedGeneration g = generationOfImage(imageId);
        if (g == null || !generations.containsKey(g.id)) {
            error(exchange, 404, "Not Found", "Image not found");
            return;
        }
        int index = g.imageIds.indexOf(imageId);
        byte[] jpeg = PromptImage.render(g.prompt + " (" + (index + 1) + "/" + IMAGES + ")", imageSize(), imageSize(),
                g.id.hashCode() + index, "jpg");
        send(exchange, 200, "image/jpeg", jpeg);
        countDownload(g);
    }

    private int status(SimulatedGeneration g, long now) {
        double progress = g.progress(now);
        if (progress < 0.05) {
            return 0;
        }
        if (progress < 0.25) {
            return 1;
        }
        if (!g.isFinished(now)) {
            return 2;
        }
        return g.fate == SimulatedGeneration.Fate.SUCCEED ? 3 : 4;
    }

    private Map<String, Object> view(SimulatedGeneration g, long now) {
        int status = status(g, now);
        int available = status == 3 ? IMAGES : status == 2 ? (int) Math.min(IMAGES - 1, Math.floor(g.progress(now) * IMAGES)) : 0;
        List<Map<String, Object>> images = new ArrayList<>();
        for (int i = 0; i < available; i++) {
            String imageId = g.imageIds.get(i);
            Map<String, Object> image = new LinkedHashMap<>();
            image.put("id", imageId);
            String imagesBase = g.scenario.foreignImages() ? baseUrl().replace("127.0.0.1", "localhost") : baseUrl();
            image.put("url", imagesBase + "/images/preview/" + imageId + ".jpg");
            image.put("urlFull", imagesBase + "/images/full/" + imageId + ".jpg");
            image.put("validate", true);
            image.put("free", false);
            image.put("titles", Map.of());
            images.add(image);
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", g.id);
        view.put("name", "simulated");
        view.put("prompt", g.prompt);
        view.put("status", status);
        view.put("params", g.params);
        view.put("processMode", g.processMode);
        view.put("images", images);
        view.put("nbImages", images.size());
        view.put("tags", g.tags);
        view.put("metaData", g.metaData);
        view.put("createdAt", Instant.ofEpochMilli(g.startedAt).toString());
        return view;
    }

    @Override
    protected void tooManyRequests(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Retry-After", "1");
        error(exchange, 429, "Too Many Requests", "ThrottlerException: Too Many Requests");
    }

    private static void error(HttpExchange exchange, int status, String error, Object message) throws IOException {
        sendJson(exchange, status, Map.of("statusCode", status, "error", error, "message", message));
    }
}
