package org.imagegen.simulator;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * A local Leonardo.Ai REST API following the Leonardo section of {@code docs/providers/more-providers.md}:
 * {@code Authorization: Bearer} auth, {@code POST /api/rest/v1/generations} answering
 * {@code {"sdGenerationJob": {generationId, apiCreditCost}}}, {@code GET /api/rest/v1/generations/{id}} answering
 * {@code {"generations_by_pk": {status: PENDING | COMPLETE | FAILED, generated_images: [{id, url, nsfw}]}}} and
 * {@code DELETE} of the same. A flagged prompt ({@code sim:censor}) is refused at the create with Leonardo's 400
 * {@code {"error": "content moderation filter: ...", "path": "$", "code": "unexpected"}}; generated images carry an
 * {@code nsfw} flag ({@code sim:nsfw-one}, {@code sim:nsfw-all}). The images come from a CDN host
 * ({@code localhost}, the API being 127.0.0.1) and do not expire.
 * <p>
 * Chosen where the documentation is silent: an unknown generation id is a 200 {@code {"generations_by_pk": null}}
 * (the API is Hasura's, which answers so for a missing primary key); every error, the 401 and 429 among them, has
 * the {@code {error, path, code}} shape; width and height are multiples of 8 from 32 to 1536 (default 1024x768),
 * {@code num_images} 1–8 and at most 4 when a side is over 768; the credit cost is 1 per image per started
 * megapixel.
 */
public class LeonardoSimulator extends DefinitionSimulator {

    private static final String API = "/api/rest/v1/generations";
    private static final String DEFAULT_MODEL = "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3";

    /** Images stay on the image host (Leonardo's cdn.leonardo.ai) as long as the simulator runs: no lifetime is read. */
    public LeonardoSimulator(SimulatorSettings settings) {
        super(settings, Duration.ofDays(365));
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/api/rest";
    }

    /** What one generation asked for. */
    private record Request(String modelId, int width, int height, int count, Long seed) {
    }

    @Override
    protected void handle(HttpExchange exchange, String method, String path) throws IOException {
        if (path.startsWith("/users/") && method.equals("GET")) {
            if (!SimulatorSupport.addressedTo(exchange, IMAGE_HOST)) {
                sendText(exchange, 404, "Not Found");
                return;
            }
            image(exchange, path);
            return;
        }
        if (!path.equals(API) && !path.startsWith(API + "/")) {
            error(exchange, 404, "not found", "not-found");
            return;
        }
        if (!SimulatorSupport.carriesKey(exchange, "Authorization", "Bearer ", settings.apiKey())) {
            error(exchange, 401, "Invalid authentication token", "invalid-jwt");
            return;
        }
        String id = path.length() > API.length() + 1 ? path.substring(API.length() + 1) : null;
        if (id == null && method.equals("POST")) {
            create(exchange);
        } else if (id != null && !id.contains("/") && method.equals("GET")) {
            try (CheckInFlight ignored = checkStarted(id)) {
                get(exchange, id);
            }
        } else if (id != null && !id.contains("/") && method.equals("DELETE")) {
            SimulatedGeneration removed = generations.remove(id);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("delete_generations_by_pk", removed == null ? null : Map.of("id", id));
            sendJson(exchange, 200, answer);
        } else {
            error(exchange, 404, "not found", "not-found");
        }
    }

    private void create(HttpExchange exchange) throws IOException {
        JsonNode body = SimulatorSupport.jsonBody(exchange,
                invalid -> error(invalid, 400, "invalid JSON body", "invalid-json"));
        if (body == null) {
            return;
        }
        received.create(exchange, body);
        if (!body.isObject()) {
            error(exchange, 400, "expected an object for the request body", "parse-failed");
            return;
        }
        String prompt = body.path("prompt").asText("");
        if (prompt.isBlank()) {
            error(exchange, 400, "prompt is required", "validation-failed");
            return;
        }
        Request request = request(exchange, body);
        if (request == null) {
            return;
        }
        CreateStart start = startCreate(exchange, SimulatorSupport.jobKey(exchange), prompt, 200);
        if (start == null) {
            return;
        }
        if (start.scenario().censor()) {
            // Leonardo refuses a flagged prompt before generating anything (and charges nothing)
            error(exchange, 400, "content moderation filter: " + prompt.substring(0, Math.min(40, prompt.length())),
                    "unexpected");
            return;
        }
        SimulatedGeneration g = new SimulatedGeneration(java.util.UUID.randomUUID().toString(), start.jobKey(), prompt,
                List.of(), null, request, null, start.scenario());
        begin(g, start.jobKey() == null || createsFor(start.jobKey()) == 0);
        for (int i = 0; i < request.count(); i++) {
            g.imageIds.add(java.util.UUID.randomUUID().toString());
        }
        if (!made(exchange, g)) {
            return;
        }
        if (answerFault(exchange, start.fault(), start.scenario(), 200)) {
            return;
        }
        int megapixels = (int) Math.ceil(request.width() * (double) request.height() / 1_000_000);
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("generationId", g.id);
        job.put("apiCreditCost", request.count() * Math.max(1, megapixels));
        sendJson(exchange, 200, Map.of("sdGenerationJob", job));
    }

    /** The generation's size and count, or null when it answered a 400 for them. */
    private Request request(HttpExchange exchange, JsonNode body) throws IOException {
        String outOfRange = SimulatorSupport.sideOutOfRange(body, 32, 1536, 8);
        if (outOfRange != null) {
            error(exchange, 400, outOfRange + " must be a multiple of 8 between 32 and 1536", "validation-failed");
            return null;
        }
        int width = body.path("width").asInt(1024);
        int height = body.path("height").asInt(768);
        int count = body.path("num_images").asInt(4);
        int most = width > 768 || height > 768 ? 4 : 8;
        if (count < 1 || count > most) {
            error(exchange, 400, "num_images must be between 1 and " + most + " at " + width + "x" + height,
                    "validation-failed");
            return null;
        }
        JsonNode seed = body.get("seed");
        return new Request(body.path("modelId").asText(DEFAULT_MODEL), width, height, count,
                seed == null || seed.isNull() ? null : seed.asLong());
    }

    private void get(HttpExchange exchange, String id) throws IOException {
        // Leonardo answers an unknown id with a null generation, not an error
        SimulatedGeneration g = checked(exchange, generations.get(id),
                unknown -> sendJson(unknown, 200, Collections.singletonMap("generations_by_pk", null)));
        if (g == null) {
            return;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        Request request = (Request) g.params;
        // a generation the output filter flags (the censor rate) completes with every image marked nsfw
        boolean censored = g.fate == SimulatedGeneration.Fate.CENSOR;
        String status = !g.isFinished(now) ? "PENDING"
                : g.fate == SimulatedGeneration.Fate.SUCCEED || censored ? "COMPLETE" : "FAILED";
        ProviderDirectives directives = ProviderDirectives.of(g.prompt);
        List<Map<String, Object>> images = new ArrayList<>();
        if (status.equals("COMPLETE")) {
            for (int i = 0; i < g.imageIds.size(); i++) {
                Map<String, Object> image = new LinkedHashMap<>();
                image.put("id", g.imageIds.get(i));
                image.put("url", imageUrl(g, i));
                image.put("nsfw", censored || directives.flagged(i, g.imageIds.size()));
                image.put("likeCount", 0);
                image.put("motionMP4URL", null);
                image.put("generated_image_variation_generics", List.of());
                images.add(image);
            }
        }
        Map<String, Object> generation = new LinkedHashMap<>();
        generation.put("generated_images", images);
        generation.put("modelId", request.modelId());
        generation.put("motion", null);
        generation.put("prompt", g.prompt);
        generation.put("negativePrompt", "");
        generation.put("imageHeight", request.height());
        generation.put("imageWidth", request.width());
        generation.put("seed", request.seed() != null ? request.seed() : (Object) Math.floorMod(g.id.hashCode(), 1_000_000_000));
        generation.put("public", false);
        generation.put("status", status);
        generation.put("createdAt", java.time.Instant.ofEpochMilli(g.startedAt).toString());
        generation.put("id", g.id);
        answer.put("generations_by_pk", generation);
        sendJson(exchange, 200, answer);
    }

    private String imageUrl(SimulatedGeneration g, int index) {
        return "http://" + IMAGE_HOST + ":" + port() + "/users/simulated/generations/" + g.id + "/Leonardo_"
                + g.imageIds.get(index) + ".jpg";
    }

    private void image(HttpExchange exchange, String path) throws IOException {
        // /users/{user}/generations/{generationId}/Leonardo_{imageId}.jpg
        String[] parts = path.split("/");
        SimulatedGeneration g = parts.length == 6 ? generations.get(parts[4]) : null;
        String imageId = parts.length == 6 ? parts[5].replaceFirst("^Leonardo_", "").replaceFirst("\\.jpg$", "") : "";
        int index = g == null ? -1 : g.imageIds.indexOf(imageId);
        if (index < 0 || g.fate == SimulatedGeneration.Fate.FAIL || !g.isFinished(System.currentTimeMillis())) {
            sendText(exchange, 404, "Not Found");
            return;
        }
        Request request = (Request) g.params;
        int[] size = SimulatorSupport.drawnSize(request.width(), request.height(), imageSize());
        sendImage(exchange, g, index, "image/jpeg",
                PromptImage.render(g.prompt, size[0], size[1], g.id.hashCode() + index, "jpg"));
    }

    @Override
    protected void providerError(HttpExchange exchange, int status, String message) throws IOException {
        error(exchange, status, status == 429 ? "rate limit exceeded" : message,
                status == 429 ? "rate-limited" : "unexpected");
    }

    private static void error(HttpExchange exchange, int status, String message, String code) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("path", "$");
        body.put("code", code);
        sendJson(exchange, status, body);
    }
}
