package org.imagegen.simulator;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * A local fal.ai queue following the fal section of {@code docs/providers/more-providers.md}:
 * {@code Authorization: Key} auth; {@code POST /{owner}/{app}[/{subpath}]} answering
 * {@code {request_id, status_url, response_url, cancel_url}}, whose URLs carry only owner/app (a status URL rebuilt
 * with the subpath finds nothing); {@code GET .../requests/{id}/status} answering 202 {@code IN_QUEUE} (with
 * {@code queue_position}) or {@code IN_PROGRESS}, then 200 {@code COMPLETED} with {@code response_url}: never a
 * failed status. The outcome is only in {@code GET .../requests/{id}} (the response URL): the flux/dev result
 * {@code {images: [{url, width, height, content_type}], seed, has_nsfw_concepts, timings, prompt}}, or a model error
 * 422 {@code {"detail": [{loc, msg, type}]}} ({@code sim:fail}: {@code no_media_generated}; {@code sim:censor}:
 * {@code content_policy_violation}; an input out of range), or a request error {@code {"detail": str, "error_type"}}
 * with {@code X-Fal-Error-Type} ({@code sim:fail-request}: 504 {@code request_timeout}). {@code sim:nsfw-one} and
 * {@code sim:nsfw-all} flag images in {@code has_nsfw_concepts}, delivered black as fal's safety checker does. Cancel:
 * {@code PUT .../requests/{id}/cancel}. The images come from a media host ({@code localhost}, the API being
 * 127.0.0.1) and are gone (404) six minutes after the result is ready. A submit with {@code ?fal_webhook=<url>} is
 * posted there when done ({@code {request_id, status: OK | ERROR, payload, error}}), signed with Ed25519 as fal signs
 * (see {@link FalWebhookSigner}); the key set is at {@code /.well-known/jwks.json}.
 * <p>
 * Chosen where the documentation is silent: the answer for a result read before it is ready (400
 * {@code "Request is still in progress"}), for an unknown request (404), for a missing key (401), and the error
 * bodies of 429 and 5xx ({@code {"detail": str}}).
 */
public class FalSimulator extends DefinitionSimulator {

    private static final Map<String, int[]> IMAGE_SIZES = Map.of("square_hd", new int[] {1024, 1024},
            "square", new int[] {512, 512}, "portrait_4_3", new int[] {768, 1024},
            "portrait_16_9", new int[] {576, 1024}, "landscape_4_3", new int[] {1024, 768},
            "landscape_16_9", new int[] {1024, 576});

    private final FalWebhookSigner signer = new FalWebhookSigner();

    /** A result's files are kept six minutes after it is ready (fal's for results of 10 KB or more, on fal.media). */
    public FalSimulator(SimulatorSettings settings) {
        super(settings, Duration.ofMinutes(6));
    }

    /**
     * What one request asked for; {@code invalid} holds the model's validation errors, which fal reports only when
     * the result is read.
     */
    private record Job(String app, int width, int height, int count, long seed, boolean safetyChecker, String format,
                       List<Map<String, Object>> invalid) {
    }

    @Override
    protected void handle(HttpExchange exchange, String method, String path) throws IOException {
        if (path.startsWith("/files/") && method.equals("GET")) {
            if (!onImageHost(exchange)) {
                return;
            }
            file(exchange, path);
            return;
        }
        if (path.equals("/.well-known/jwks.json") && method.equals("GET")) {
            // the key set webhooks are verified with (fal's is https://rest.fal.ai/.well-known/jwks.json)
            sendJson(exchange, 200, signer.jwks());
            return;
        }
        String[] parts = path.split("/");
        // "", owner, app, [subpath..] | "", owner, app, "requests", id, [status|cancel]
        if (parts.length < 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
            detail(exchange, 404, "Not Found");
            return;
        }
        String app = parts[1] + "/" + parts[2];
        if (!SimulatorSupport.carriesKey(exchange, "Authorization", "Key ", settings.apiKey())) {
            detail(exchange, 401, "Cannot access application '" + app
                    + "'. Authentication is required to access this application.");
            return;
        }
        boolean request = parts.length >= 5 && parts[3].equals("requests");
        if (!request && method.equals("POST")) {
            create(exchange, app, path.substring(1));
        } else if (request && parts.length == 6 && parts[5].equals("status") && method.equals("GET")) {
            try (CheckInFlight ignored = checkStarted(parts[4])) {
                status(exchange, app, parts[4]);
            }
        } else if (request && parts.length == 5 && method.equals("GET")) {
            response(exchange, app, parts[4]);
        } else if (request && parts.length == 6 && parts[5].equals("cancel") && method.equals("PUT")) {
            cancel(exchange, app, parts[4]);
        } else {
            detail(exchange, request ? 405 : 404, request ? "Method Not Allowed" : "Not Found");
        }
    }

    private void create(HttpExchange exchange, String app, String endpoint) throws IOException {
        JsonNode body = SimulatorSupport.jsonBody(exchange,
                invalid -> detail(invalid, 400, "Invalid JSON in request body"));
        if (body == null) {
            return;
        }
        if (!body.isObject()) {
            detail(exchange, 400, "The request body must be a JSON object");
            return;
        }
        String prompt = body.path("prompt").asText("");
        received.create(exchange, body);
        CreateStart start = startCreate(exchange, SimulatorSupport.jobKey(exchange), prompt, 200);
        if (start == null) {
            return;
        }
        // the queue takes any input: the model validates it, and its errors come with the result
        SimulatedGeneration g = new SimulatedGeneration(java.util.UUID.randomUUID().toString(), start.jobKey(), prompt,
                List.of(), null, job(app, body), endpoint, start.scenario());
        g.startedAt = System.currentTimeMillis();
        g.durationMs = drawDuration(start.scenario());
        g.fate = ProviderDirectives.of(prompt).failRequest() ? SimulatedGeneration.Fate.FAIL
                : drawFate(start.scenario(), start.jobKey() == null || createsFor(start.jobKey()) == 0);
        Job job = (Job) g.params;
        for (int i = 0; i < job.count(); i++) {
            g.imageIds.add(newId("img_"));
        }
        if (!made(exchange, g)) {
            return;
        }
        String webhook = SimulatorSupport.query(exchange).get("fal_webhook");
        if (webhook != null && !webhook.isBlank() && g.fate != SimulatedGeneration.Fate.NEVER) {
            webhooks.schedule(webhook, g.durationMs + 20, () -> webhookPayload(g), bytes -> signer.headers(g.id, bytes));
        }
        if (answerFault(exchange, start.fault(), start.scenario(), 200)) {
            return;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "IN_QUEUE");
        answer.put("request_id", g.id);
        putUrls(answer, g);
        answer.put("queue_position", 0);
        sendJson(exchange, 200, answer);
    }

    private Job job(String app, JsonNode body) {
        List<Map<String, Object>> invalid = new ArrayList<>();
        if (body.path("prompt").asText("").isBlank()) {
            invalid.add(modelError(List.of("body", "prompt"), "Field required", "missing"));
        }
        int[] size = IMAGE_SIZES.get("landscape_4_3");
        JsonNode imageSize = body.get("image_size");
        if (imageSize != null && imageSize.isTextual()) {
            size = IMAGE_SIZES.get(imageSize.asText());
            if (size == null) {
                invalid.add(modelError(List.of("body", "image_size"), "Input should be one of " + IMAGE_SIZES.keySet(),
                        "enum"));
                size = IMAGE_SIZES.get("landscape_4_3");
            }
        } else if (imageSize != null && imageSize.isObject()) {
            size = new int[] {imageSize.path("width").asInt(0), imageSize.path("height").asInt(0)};
            if (size[0] < 1 || size[0] > 14142 || size[1] < 1 || size[1] > 14142) {
                invalid.add(modelError(List.of("body", "image_size"), "width and height must be between 1 and 14142",
                        "value_error"));
                size = IMAGE_SIZES.get("landscape_4_3");
            }
        }
        int count = body.path("num_images").asInt(1);
        if (count < 1 || count > 4) {
            invalid.add(modelError(List.of("body", "num_images"), "Input should be between 1 and 4",
                    count < 1 ? "greater_than_equal" : "less_than_equal"));
            count = 1;
        }
        JsonNode seed = body.get("seed");
        String format = body.path("output_format").asText("jpeg").equals("png") ? "png" : "jpeg";
        return new Job(app, size[0], size[1], count, seed != null && seed.canConvertToLong() ? seed.asLong()
                : Math.floorMod(body.hashCode() * 31L + System.nanoTime(), 4_000_000_000L),
                body.path("enable_safety_checker").asBoolean(true), format, List.copyOf(invalid));
    }

    private void putUrls(Map<String, Object> answer, SimulatedGeneration g) {
        String request = baseUrl() + "/" + ((Job) g.params).app() + "/requests/" + g.id;
        answer.put("response_url", request);
        answer.put("status_url", request + "/status");
        answer.put("cancel_url", request + "/cancel");
    }

    /** The request, when it is one of this app's (a request id under another app's path finds nothing). */
    private SimulatedGeneration find(String app, String id) {
        SimulatedGeneration g = generations.get(id);
        return g != null && ((Job) g.params).app().equals(app) ? g : null;
    }

    private void status(HttpExchange exchange, String app, String id) throws IOException {
        SimulatedGeneration g = checked(exchange, find(app, id), unknown -> detail(unknown, 404, "Request not found"));
        if (g == null) {
            return;
        }
        long now = System.currentTimeMillis();
        double progress = g.progress(now);
        boolean logs = "1".equals(SimulatorSupport.query(exchange).get("logs"));
        Map<String, Object> answer = new LinkedHashMap<>();
        int status;
        if (progress < 0.3 && g.fate != SimulatedGeneration.Fate.NEVER) {
            answer.put("status", "IN_QUEUE");
            answer.put("queue_position", Math.max(0, 2 - (int) (progress / 0.1)));
            status = 202;
        } else if (!g.isFinished(now)) {
            answer.put("status", "IN_PROGRESS");
            status = 202;
        } else {
            answer.put("status", "COMPLETED");
            answer.put("metrics", Map.of("inference_time", g.durationMs / 1000.0));
            if (g.fate == SimulatedGeneration.Fate.FAIL && ProviderDirectives.of(g.prompt).failRequest()) {
                answer.put("error", "Request timed out");
                answer.put("error_type", "request_timeout");
            }
            status = 200;
        }
        answer.put("request_id", g.id);
        putUrls(answer, g);
        answer.put("logs", logs && !"IN_QUEUE".equals(answer.get("status"))
                ? List.of(Map.of("message", "simulated step", "level", "INFO", "source", "user",
                "timestamp", java.time.Instant.ofEpochMilli(g.startedAt).toString()))
                : null);
        sendJson(exchange, status, answer);
    }

    private void response(HttpExchange exchange, String app, String id) throws IOException {
        SimulatedGeneration g = find(app, id);
        if (g == null) {
            detail(exchange, 404, "Request not found");
            return;
        }
        if (!g.isFinished(System.currentTimeMillis())) {
            detail(exchange, 400, "Request is still in progress");
            return;
        }
        Outcome outcome = outcome(g);
        if (outcome.errorType() != null) {
            exchange.getResponseHeaders().set("X-Fal-Error-Type", outcome.errorType());
        }
        sendJson(exchange, outcome.status(), outcome.body());
    }

    /** What a finished request's response URL answers: its HTTP status, body, and request error type if any. */
    private record Outcome(int status, Map<String, Object> body, String errorType) {
    }

    private Outcome outcome(SimulatedGeneration g) {
        Job job = (Job) g.params;
        if (!job.invalid().isEmpty()) {
            return new Outcome(422, Map.of("detail", job.invalid()), null);
        }
        if (g.fate == SimulatedGeneration.Fate.FAIL && ProviderDirectives.of(g.prompt).failRequest()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("detail", "Request timed out");
            body.put("error_type", "request_timeout");
            return new Outcome(504, body, "request_timeout");
        }
        if (g.fate == SimulatedGeneration.Fate.FAIL) {
            return new Outcome(422, Map.of("detail", List.of(modelError(List.of("body"),
                    "The model did not generate any media (simulated failure).", "no_media_generated"))), null);
        }
        if (g.fate == SimulatedGeneration.Fate.CENSOR) {
            Map<String, Object> error = modelError(List.of("body", "prompt"),
                    "The content was flagged by a content checker.", "content_policy_violation");
            error.put("input", g.prompt);
            return new Outcome(422, Map.of("detail", List.of(error)), null);
        }
        ProviderDirectives directives = ProviderDirectives.of(g.prompt);
        List<Map<String, Object>> images = new ArrayList<>();
        List<Boolean> flags = new ArrayList<>();
        for (int i = 0; i < g.imageIds.size(); i++) {
            Map<String, Object> image = new LinkedHashMap<>();
            image.put("url", "http://" + IMAGE_HOST + ":" + port() + "/files/simulated/" + g.imageIds.get(i) + "."
                    + job.format());
            image.put("width", job.width());
            image.put("height", job.height());
            image.put("content_type", "image/" + job.format());
            images.add(image);
            flags.add(job.safetyChecker() && directives.flagged(i, g.imageIds.size()));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("images", images);
        result.put("timings", Map.of("inference", g.durationMs / 1000.0));
        result.put("seed", job.seed());
        result.put("has_nsfw_concepts", flags);
        result.put("prompt", g.prompt);
        return new Outcome(200, result, null);
    }

    /**
     * fal's webhook for a finished request: {@code {request_id, gateway_request_id, status: OK | ERROR, payload,
     * error}}, the payload being what the response URL answers; null once the request is gone (cancelled).
     */
    private byte[] webhookPayload(SimulatedGeneration g) {
        if (!generations.containsKey(g.id)) {
            return null;
        }
        Outcome outcome = outcome(g);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("request_id", g.id);
        body.put("gateway_request_id", g.id);
        body.put("status", outcome.status() == 200 ? "OK" : "ERROR");
        body.put("payload", outcome.body());
        if (outcome.status() != 200) {
            body.put("error", "Invalid status code: " + outcome.status());
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void cancel(HttpExchange exchange, String app, String id) throws IOException {
        SimulatedGeneration g = find(app, id);
        if (g == null) {
            detail(exchange, 404, "Request not found");
        } else if (g.isFinished(System.currentTimeMillis())) {
            sendJson(exchange, 400, Map.of("status", "ALREADY_COMPLETED"));
        } else {
            generations.remove(id);
            sendJson(exchange, 202, Map.of("status", "CANCELLATION_REQUESTED"));
        }
    }

    private void file(HttpExchange exchange, String path) throws IOException {
        // /files/simulated/{imageId}.{jpeg|png}
        String[] parts = path.split("/");
        String imageId = parts.length == 4 ? parts[3].replaceFirst("\\.(jpeg|png)$", "") : "";
        SimulatedGeneration g = generationOfImage(imageId);
        long now = System.currentTimeMillis();
        if (g == null || !generations.containsKey(g.id) || g.fate != SimulatedGeneration.Fate.SUCCEED
                || !g.isFinished(now) || now > g.completesAt() + imageLifetime().toMillis()) {
            detail(exchange, 404, "File not found");
            return;
        }
        Job job = (Job) g.params;
        int index = g.imageIds.indexOf(imageId);
        int[] size = SimulatorSupport.drawnSize(job.width(), job.height(), imageSize());
        String format = job.format().equals("png") ? "png" : "jpg";
        boolean flagged = job.safetyChecker() && ProviderDirectives.of(g.prompt).flagged(index, g.imageIds.size());
        sendImage(exchange, g, index, "image/" + job.format(), flagged ? SimulatorSupport.black(size[0], size[1], format)
                : PromptImage.render(g.prompt, size[0], size[1], g.id.hashCode() + index, format));
    }

    private static Map<String, Object> modelError(List<String> loc, String message, String type) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("loc", loc);
        error.put("msg", message);
        error.put("type", type);
        return error;
    }

    @Override
    protected void providerError(HttpExchange exchange, int status, String message) throws IOException {
        detail(exchange, status, message);
    }

    private static void detail(HttpExchange exchange, int status, String message) throws IOException {
        sendJson(exchange, status, Map.of("detail", message));
    }
}
