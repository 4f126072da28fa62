package org.imagegen.simulator;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * A local Black Forest Labs (FLUX) API following the BFL section of {@code docs/providers/more-providers.md}:
 * {@code x-key} auth, {@code POST /v1/{model}} answering {@code {id, polling_url, cost, input_mp, output_mp}}, one
 * image per task, {@code GET /v1/get_result?id=} (the polling URL, on the API's origin with a path and query of its
 * own) answering {@code Pending} (with {@code progress}) → {@code Ready} ({@code result.sample}) or {@code Error},
 * {@code Request Moderated}, {@code Content Moderated}, and {@code Task not found} for an id it does not hold.
 * The images come from a delivery host ({@code localhost}, the API being 127.0.0.1) under signed URLs that expire
 * ten minutes after the result is ready: then they answer 403, as an expired signature does. A task created with a
 * {@code webhook_url} is posted there when it is done (the get_result answer; no signature: the receiver's URL
 * carries the secret).
 * <p>
 * Chosen where the documentation is silent: {@code Task not found} is a 200 (it is a status of the documented result
 * schema); {@code progress} is a fraction 0–1; an {@code Error} carries {@code details.error}; the moderated results
 * carry {@code details["Moderation Reasons"]}; a 429 without {@code Retry-After} ({@code sim:429bare}) has no
 * {@code retry_after} in its body either; a missing or wrong key is a 401 {@code {"detail": ...}}.
 */
public class BflSimulator extends DefinitionSimulator {

    /** Models that take width and height, and what a task costs (credits) on each. */
    private static final Map<String, Double> SIZED_MODELS = Map.of("flux-pro-1.1", 4.0, "flux-pro", 5.0,
            "flux-dev", 2.5, "flux-2-pro", 3.0, "flux-2-max", 7.0, "flux-2-flex", 6.0);
    /** Models that take an aspect ratio instead ({@code aspect_ratio}), and their cost. */
    private static final Map<String, Double> RATIO_MODELS = Map.of("flux-pro-1.1-ultra", 6.0,
            "flux-kontext-pro", 4.0, "flux-kontext-max", 8.0);
    private static final Set<String> FORMATS = Set.of("jpeg", "png");
    /** Prompt directive: the task is created, but get_result does not know it (as for a task BFL has forgotten). */
    static final String TASK_NOT_FOUND = "sim:task-not-found";

    private final String signingSecret = newId("secret_");

    /** Delivery URLs work for ten minutes after the result is ready, as BFL's (delivery-*.bfl.ai) do. */
    public BflSimulator(SimulatorSettings settings) {
        super(settings, Duration.ofMinutes(10));
    }

    @Override
    protected String keyHeader() {
        return "x-key";
    }

    /** What one task asked for. */
    private record Task(String model, int width, int height, String format, String ratio, String webhookUrl) {
    }

    @Override
    protected void handle(HttpExchange exchange, String method, String path) throws IOException {
        if (path.startsWith("/results/") && method.equals("GET")) {
            // only on the delivery host: a sample URL rewritten to the API's host finds nothing
            if (!onImageHost(exchange)) {
                return;
            }
            sample(exchange, path.substring("/results/".length()));
            return;
        }
        if (!path.startsWith("/v1/")) {
            detail(exchange, 404, "Not Found");
            return;
        }
        if (!SimulatorSupport.carriesKey(exchange, "x-key", "", settings.apiKey())) {
            detail(exchange, 401, "Invalid or missing API key (x-key)");
            return;
        }
        String name = path.substring("/v1/".length());
        if (name.equals("get_result") && method.equals("GET")) {
            String id = SimulatorSupport.query(exchange).get("id");
            if (id == null || id.isBlank()) {
                validation(exchange, "query", "id", "Field required", "missing");
                return;
            }
            try (CheckInFlight ignored = checkStarted(id)) {
                result(exchange, id);
            }
        } else if ((SIZED_MODELS.containsKey(name) || RATIO_MODELS.containsKey(name)) && method.equals("POST")) {
            create(exchange, name);
        } else if (SIZED_MODELS.containsKey(name) || RATIO_MODELS.containsKey(name) || name.equals("get_result")) {
            detail(exchange, 405, "Method Not Allowed");
        } else {
            detail(exchange, 404, "Not Found");
        }
    }

    private void create(HttpExchange exchange, String model) throws IOException {
        JsonNode body = SimulatorSupport.jsonBody(exchange,
                invalid -> validation(invalid, "body", null, "JSON decode error", "json_invalid"));
        if (body == null) {
            return;
        }
        received.create(exchange, body);
        if (!body.isObject()) {
            validation(exchange, "body", null, "Input should be a valid dictionary", "model_attributes_type");
            return;
        }
        String prompt = body.path("prompt").asText("");
        if (prompt.isBlank()) {
            validation(exchange, "body", "prompt", "Field required", "missing");
            return;
        }
        Task task = task(exchange, model, body);
        if (task == null) {
            return;
        }
        CreateStart start = startCreate(exchange, SimulatorSupport.jobKey(exchange), prompt, 200);
        if (start == null) {
            return;
        }
        SimulatedGeneration g = new SimulatedGeneration(java.util.UUID.randomUUID().toString(), start.jobKey(), prompt,
                List.of(), null, task, null, start.scenario());
        begin(g, start.jobKey() == null || createsFor(start.jobKey()) == 0);
        g.imageIds.add(newId("sample_"));
        if (!made(exchange, g)) {
            return;
        }
        if (task.webhookUrl() != null && g.fate != SimulatedGeneration.Fate.NEVER) {
            // BFL posts the task's result when it is done; the receiver's URL carries its own secret
            webhooks.schedule(task.webhookUrl(), g.durationMs + 20, () -> generations.containsKey(g.id)
                    ? json(view(g, System.currentTimeMillis())) : null, bytes -> Map.of());
        }
        if (answerFault(exchange, start.fault(), start.scenario(), 200)) {
            return;
        }
        double megapixels = Math.round(task.width() * task.height() / 10_000.0) / 100.0;
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", g.id);
        answer.put("polling_url", baseUrl() + "/v1/get_result?id=" + g.id);
        answer.put("cost", (SIZED_MODELS.containsKey(model) ? SIZED_MODELS : RATIO_MODELS).get(model));
        answer.put("input_mp", 0);
        answer.put("output_mp", megapixels);
        sendJson(exchange, 200, answer);
    }

    /** The task's size and format, or null when it answered a 422 for them. */
    private Task task(HttpExchange exchange, String model, JsonNode body) throws IOException {
        JsonNode webhook = body.get("webhook_url");
        if (webhook != null && !webhook.isNull() && !webhook.asText().matches("https?://[^\\s/]+(/\\S*)?")) {
            validation(exchange, "body", "webhook_url", "Input should be a valid URL", "url_parsing");
            return null;
        }
        String format = body.path("output_format").asText("jpeg");
        if (!FORMATS.contains(format)) {
            validation(exchange, "body", "output_format", "Input should be 'jpeg' or 'png'", "enum");
            return null;
        }
        if (RATIO_MODELS.containsKey(model)) {
            String ratio = body.path("aspect_ratio").asText("16:9");
            String[] parts = ratio.split(":");
            double r = parts.length == 2 && parts[0].matches("\\d{1,3}") && parts[1].matches("\\d{1,3}")
                    && !parts[1].equals("0") ? Double.parseDouble(parts[0]) / Double.parseDouble(parts[1]) : 0;
            if (r < 9 / 21.0 || r > 21 / 9.0) {
                validation(exchange, "body", "aspect_ratio", "Aspect ratio must be between 21:9 and 9:21", "value_error");
                return null;
            }
            int width = (int) Math.round(Math.sqrt(4_000_000 * r));
            return new Task(model, width, (int) Math.round(width / r), format, ratio, webhookUrl(body));
        }
        String outOfRange = SimulatorSupport.sideOutOfRange(body, 256, 1440, 32);
        if (outOfRange != null) {
            validation(exchange, "body", outOfRange, "Input should be a multiple of 32 between 256 and 1440",
                    "value_error");
            return null;
        }
        return new Task(model, body.path("width").asInt(1024), body.path("height").asInt(768), format, null,
                webhookUrl(body));
    }

    private static String webhookUrl(JsonNode body) {
        JsonNode url = body.get("webhook_url");
        return url == null || url.isNull() || url.asText().isBlank() ? null : url.asText();
    }

    private void result(HttpExchange exchange, String id) throws IOException {
        SimulatedGeneration g = generations.get(id);
        if (injectCheckFault(exchange, g)) {
            return;
        }
        if (g == null || g.prompt.contains(TASK_NOT_FOUND)) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("id", id);
            answer.put("status", "Task not found");
            answer.put("result", null);
            answer.put("progress", null);
            sendJson(exchange, 200, answer);
            return;
        }
        g.checks.incrementAndGet();
        sendJson(exchange, 200, view(g, System.currentTimeMillis()));
    }

    /** A task as get_result (and its webhook) shows it at {@code now}. */
    private Map<String, Object> view(SimulatedGeneration g, long now) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", g.id);
        ProviderDirectives directives = ProviderDirectives.of(g.prompt);
        Task task = (Task) g.params;
        Object details = null;
        Object result = null;
        String status;
        if (!g.isFinished(now)) {
            status = "Pending";
            answer.put("progress", Math.round(Math.min(0.99, g.progress(now)) * 100) / 100.0);
        } else if (g.fate == SimulatedGeneration.Fate.CENSOR || directives.censorRequest()) {
            status = directives.censorRequest() ? "Request Moderated" : "Content Moderated";
            details = Map.of("Moderation Reasons", List.of(directives.censorRequest() ? "Prompt" : "Derivative Works Filter"));
        } else if (g.fate == SimulatedGeneration.Fate.FAIL) {
            status = "Error";
            details = Map.of("error", "Generation failed (simulated)");
        } else {
            status = "Ready";
            Map<String, Object> ready = new LinkedHashMap<>();
            ready.put("sample", sampleUrl(g, task));
            ready.put("prompt", g.prompt);
            ready.put("seed", Math.floorMod(g.id.hashCode(), 1_000_000));
            ready.put("start_time", g.startedAt / 1000.0);
            ready.put("end_time", g.completesAt() / 1000.0);
            ready.put("duration", g.durationMs / 1000.0);
            result = ready;
        }
        answer.put("status", status);
        answer.put("result", result);
        answer.putIfAbsent("progress", null);
        if (details != null) {
            answer.put("details", details);
        }
        return answer;
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A signed delivery URL, valid until the result's ready time plus the image lifetime. */
    private String sampleUrl(SimulatedGeneration g, Task task) {
        String path = "/results/" + g.id + "/" + g.imageIds.get(0) + "." + (task.format().equals("png") ? "png" : "jpeg");
        String expiry = Instant.ofEpochMilli(g.completesAt() + imageLifetime().toMillis()).truncatedTo(ChronoUnit.SECONDS)
                .toString();
        String se = URLEncoder.encode(expiry, StandardCharsets.UTF_8);
        return "http://" + IMAGE_HOST + ":" + port() + path + "?se=" + se + "&sp=r&sig="
                + SimulatorSupport.signature(signingSecret, path + "|" + expiry);
    }

    private void sample(HttpExchange exchange, String rest) throws IOException {
        String[] parts = rest.split("/");
        SimulatedGeneration g = parts.length == 2 ? generations.get(parts[0]) : null;
        String imageId = parts.length == 2 ? parts[1].replaceFirst("\\.(jpeg|png)$", "") : null;
        if (g == null || !g.imageIds.contains(imageId) || g.fate != SimulatedGeneration.Fate.SUCCEED
                || !g.isFinished(System.currentTimeMillis())) {
            detail(exchange, 404, "Not Found");
            return;
        }
        Map<String, String> query = SimulatorSupport.query(exchange);
        String expiry = query.getOrDefault("se", "");
        String signed = SimulatorSupport.signature(signingSecret, "/results/" + rest + "|" + expiry);
        if (!signed.equals(query.get("sig"))) {
            authenticationFailed(exchange, "Signature did not match");
            return;
        }
        if (System.currentTimeMillis() > g.completesAt() + imageLifetime().toMillis()) {
            authenticationFailed(exchange, "Signed expiry time has passed");
            return;
        }
        Task task = (Task) g.params;
        String format = task.format().equals("png") ? "png" : "jpg";
        int[] size = SimulatorSupport.drawnSize(task.width(), task.height(), imageSize());
        sendImage(exchange, g, 0, format.equals("png") ? "image/png" : "image/jpeg",
                PromptImage.render(g.prompt, size[0], size[1], g.id.hashCode(), format));
    }

    /** What the storage behind the delivery host answers for an expired or tampered signature. */
    private static void authenticationFailed(HttpExchange exchange, String message) throws IOException {
        send(exchange, 403, "application/xml", ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>"
                + "AuthenticationFailed</Code><Message>" + message + "</Message></Error>").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void providerError(HttpExchange exchange, int status, String message) throws IOException {
        if (status == 429) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", "rate_limit_exceeded");
            body.put("message", "You have exceeded the number of active tasks (24). Please wait for tasks to finish.");
            String retryAfter = exchange.getResponseHeaders().getFirst("Retry-After");
            if (retryAfter != null) {
                body.put("retry_after", Integer.parseInt(retryAfter));
            }
            sendJson(exchange, 429, body);
            return;
        }
        detail(exchange, status, message);
    }

    private static void detail(HttpExchange exchange, int status, String message) throws IOException {
        sendJson(exchange, status, Map.of("detail", message));
    }

    /** A 422 as FastAPI writes it: {@code {"detail": [{type, loc, msg}]}}. */
    private static void validation(HttpExchange exchange, String where, String field, String message, String type)
            throws IOException {
        List<Object> loc = new ArrayList<>(List.of(where));
        if (field != null) {
            loc.add(field);
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", type);
        error.put("loc", loc);
        error.put("msg", message);
        sendJson(exchange, 422, Map.of("detail", List.of(error)));
    }
}
