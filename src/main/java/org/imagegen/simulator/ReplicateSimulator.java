package org.imagegen.simulator;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * A local Replicate following {@code docs/providers/more-providers.md}: Bearer auth, predictions created on a
 * model's endpoint ({@code POST /v1/models/{owner}/{name}/predictions}) or by version ({@code POST /v1/predictions}),
 * {@code starting → processing → succeeded | failed | canceled}, and {@code aborted} (a deadline passed before it
 * started); RFC 7807 problem details for errors; files on another host name ({@code localhost}, as Replicate serves
 * them from replicate.delivery) that are removed, with the prediction's output, after a while; webhooks signed as
 * Standard Webhooks. Creates are counted per {@code Idempotency-Key} header, which the bundle sends and Replicate
 * ignores.
 * <p>
 * Beyond {@link Scenario}'s directives: {@code sim:aborted} (starting until its time is up, then aborted),
 * {@code sim:canceled} (canceled by a deadline while processing) and {@code sim:expire-ms=N} (output and files
 * removed N ms after it finished; otherwise after {@link #setImageLifetime}, one hour by default).
 * <p>
 * Choices where Replicate's documentation is silent: any {@code owner/name} is a model (unknown models are not
 * refused); a model whose name contains {@code -pro} or {@code ultra} answers one URI string, others an array (FLUX
 * schnell and dev); files are PNG or JPEG whatever {@code output_format} asks (WebP cannot be drawn here, and the
 * bundle reads the bytes, not the name); an NSFW refusal is {@code failed} with the message FLUX's predictor raises
 * on Replicate.
 */
public class ReplicateSimulator extends DefinitionSimulator {

    private static final List<String> ASPECT_RATIOS = List.of("1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4",
            "4:3", "9:16", "9:21");
    private static final Pattern MODEL_PATH = Pattern.compile("/v1/models/([\\w.-]+)/([\\w.-]+)/predictions");
    private static final Pattern EXPIRE = Pattern.compile("sim:expire-ms=(\\d{1,9})");

    private final Map<String, ReplicatePrediction> predictions = new ConcurrentHashMap<>();
    private final StandardWebhookSigner signer;

    /** A finished prediction keeps its output and files for an hour, as Replicate's API predictions do. */
    public ReplicateSimulator(SimulatorSettings settings) {
        super(settings, Duration.ofHours(1));
        signer = new StandardWebhookSigner(StandardWebhookSigner.secretFor("replicate", settings.seed()));
    }

    /** The webhook signing secret, as {@code GET /v1/webhooks/default/secret} answers it. */
    public String webhookSecret() {
        return signer.secret();
    }

    @Override
    protected void handle(HttpExchange exchange, String method, String path) throws IOException {
        String host = String.valueOf(exchange.getRequestHeaders().getFirst("Host"));
        boolean onImageHost = host.equals(IMAGE_HOST) || host.startsWith(IMAGE_HOST + ":");
        if (onImageHost || path.startsWith("/xezq/")) {
            // files only on their own host, as replicate.delivery is not the API
            if (onImageHost && path.startsWith("/xezq/") && method.equals("GET")) {
                file(exchange, path);
            } else {
                sendText(exchange, 404, "Not Found");
            }
            return;
        }
        String key = bearerKey(exchange);
        if (key == null || key.isBlank()) {
            problem(exchange, 401, "Unauthenticated", "You did not pass an authentication token");
            return;
        }
        if (settings.apiKey() != null && !settings.apiKey().isBlank() && !settings.apiKey().equals(key)) {
            problem(exchange, 401, "Unauthenticated", "Invalid token.");
            return;
        }
        Matcher model = MODEL_PATH.matcher(path);
        String[] parts = path.split("/");
        if (model.matches() && method.equals("POST")) {
            create(exchange, model.group(1) + "/" + model.group(2));
        } else if (path.equals("/v1/predictions") && method.equals("POST")) {
            create(exchange, null);
        } else if (path.equals("/v1/predictions") && method.equals("GET")) {
            list(exchange);
        } else if (parts.length == 4 && path.startsWith("/v1/predictions/") && method.equals("GET")) {
            try (CheckInFlight ignored = checkStarted(parts[3])) {
                get(exchange, parts[3]);
            }
        } else if (parts.length == 5 && path.startsWith("/v1/predictions/") && parts[4].equals("cancel")
                && method.equals("POST")) {
            cancel(exchange, parts[3]);
        } else if (path.equals("/v1/account") && method.equals("GET")) {
            // the key check (keyCheckPath): the account the key belongs to
            sendJson(exchange, 200, Map.of("type", "user", "username", "simulator", "name", "Simulator"));
        } else if (path.equals("/v1/webhooks/default/secret") && method.equals("GET")) {
            sendJson(exchange, 200, Map.of("key", signer.secret()));
        } else {
            problem(exchange, 404, "Not found", "The requested resource could not be found.");
        }
    }

    private void create(HttpExchange exchange, String modelFromPath) throws IOException {
        JsonNode body = SimulatorSupport.jsonBody(exchange,
                invalid -> problem(invalid, 400, "Bad request", "The request body is not valid JSON."));
        if (body == null) {
            return;
        }
        if (!body.isObject()) {
            problem(exchange, 400, "Bad request", "The request body must be a JSON object.");
            return;
        }
        String version = null;
        String modelName = modelFromPath;
        if (modelName == null) {
            version = body.path("version").asText("");
            if (version.isBlank()) {
                invalid(exchange, "version", "required", "version is required");
                return;
            }
            // "owner/name", "owner/name:<version id>" or a bare version id (then the model is not known here)
            modelName = version.contains("/") ? version.split(":", 2)[0] : "version/" + version;
        }
        JsonNode input = body.path("input");
        String problem = inputProblem(input, ReplicatePrediction.outputsOneUri(modelName));
        if (problem != null) {
            invalid(exchange, "input", "invalid", problem);
            return;
        }
        String webhook = body.path("webhook").isTextual() ? body.path("webhook").asText() : null;
        if (webhook != null && !webhook.matches("https?://[^\\s/]+(/\\S*)?")) {
            invalid(exchange, "webhook", "invalid", "webhook: Enter a valid URL.");
            return;
        }
        List<String> events = new ArrayList<>();
        body.path("webhook_events_filter").forEach(e -> events.add(e.asText()));
        if (!List.of("start", "output", "logs", "completed").containsAll(events)) {
            invalid(exchange, "webhook_events_filter", "invalid",
                    "webhook_events_filter: each event must be one of start, output, logs, completed");
            return;
        }
        String prompt = input.path("prompt").asText();
        received.create(exchange, body);
        CreateStart start = startCreate(exchange, SimulatorSupport.jobKey(exchange), prompt, 201);
        if (start == null) {
            return;
        }
        Matcher expire = EXPIRE.matcher(prompt);
        ReplicatePrediction p = new ReplicatePrediction(modelName, version, input, webhook, events,
                expire.find() ? Long.parseLong(expire.group(1)) : imageLifetime().toMillis());
        SimulatedGeneration g = new SimulatedGeneration(predictionId(), start.jobKey(), prompt, List.of(), null, null,
                null, start.scenario());
        // Replicate has no retry of a prediction: "fail once" fails the first create of a job key
        begin(g, createsFor(start.jobKey()) == 0);
        int outputs = p.singleOutput ? 1 : Math.max(1, input.path("num_outputs").asInt(1));
        for (int i = 0; i < outputs; i++) {
            g.imageIds.add(newId("f"));
        }
        predictions.put(g.id, p);
        scheduleWebhooks(g, p);
        if (!made(exchange, g)) {
            return;
        }
        if (answerFault(exchange, start.fault(), start.scenario(), 201)) {
            return;
        }
        sendJson(exchange, 201, view(g, p, System.currentTimeMillis()));
    }

    /** What cog's input validation would refuse for FLUX, or null. */
    private static String inputProblem(JsonNode input, boolean single) {
        if (!input.isObject()) {
            return "input is required";
        }
        if (input.path("prompt").asText("").isBlank()) {
            return "prompt is required";
        }
        String ratio = input.path("aspect_ratio").asText("1:1");
        if (!ASPECT_RATIOS.contains(ratio) && !(single && ratio.equals("custom"))) {
            return "aspect_ratio must be one of the following: " + String.join(", ", ASPECT_RATIOS);
        }
        JsonNode n = input.path("num_outputs");
        if (!single && !n.isMissingNode() && !n.isNull() && (!n.canConvertToInt() || n.asInt() < 1 || n.asInt() > 4)) {
            return "num_outputs must be between 1 and 4";
        }
        return null;
    }

    private void get(HttpExchange exchange, String id) throws IOException {
        SimulatedGeneration g = checked(exchange, generations.get(id),
                unknown -> problem(unknown, 404, "Not found", "The requested prediction could not be found."));
        if (g != null) {
            sendJson(exchange, 200, view(g, predictions.get(id), System.currentTimeMillis()));
        }
    }

    private void cancel(HttpExchange exchange, String id) throws IOException {
        SimulatedGeneration g = generations.get(id);
        ReplicatePrediction p = predictions.get(id);
        if (g == null || p == null) {
            problem(exchange, 404, "Not found", "The requested prediction could not be found.");
            return;
        }
        long now = System.currentTimeMillis();
        if (!ReplicatePrediction.isTerminal(p.status(g, now))) {
            p.canceledAt = now;
            sendCompletedWebhook(g, p, 0);
        }
        sendJson(exchange, 200, view(g, p, now));
    }

    private void list(HttpExchange exchange) throws IOException {
        long now = System.currentTimeMillis();
        List<Map<String, Object>> results = generations.values().stream()
                .sorted(Comparator.comparingLong((SimulatedGeneration g) -> g.startedAt).reversed())
                .limit(100).map(g -> view(g, predictions.get(g.id), now)).toList();
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("previous", null);
        page.put("next", null);
        page.put("results", results);
        sendJson(exchange, 200, page);
    }

    private Map<String, Object> view(SimulatedGeneration g, ReplicatePrediction p, long now) {
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < g.imageIds.size(); i++) {
            uris.add(redirected("http://" + IMAGE_HOST + ":" + port() + "/xezq/" + g.imageIds.get(i) + "/out-" + i
                    + "." + p.extension, g.scenario));
        }
        return p.view(g, now, baseUrl(), uris);
    }

    /** A webhook for the start (when the filter asks for it) and one for the end (not for one that never ends). */
    private void scheduleWebhooks(SimulatedGeneration g, ReplicatePrediction p) {
        if (p.webhook == null) {
            return;
        }
        if (p.events.isEmpty() || p.events.contains("start")) {
            webhooks.schedule(p.webhook, 0, () -> payload(g, p), signer.forDelivery());
        }
        if (g.fate != SimulatedGeneration.Fate.NEVER) {
            sendCompletedWebhook(g, p, g.durationMs + 20);
        }
    }

    private void sendCompletedWebhook(SimulatedGeneration g, ReplicatePrediction p, long delayMs) {
        if (p.webhook == null || !(p.events.isEmpty() || p.events.contains("completed"))) {
            return;
        }
        webhooks.schedule(p.webhook, delayMs, () -> {
            long now = System.currentTimeMillis();
            // once: a cancel may have sent it already
            boolean due = ReplicatePrediction.isTerminal(p.status(g, now)) && p.completedSent.compareAndSet(false, true);
            return due ? payload(g, p) : null;
        }, signer.forDelivery());
    }

    private byte[] payload(SimulatedGeneration g, ReplicatePrediction p) {
        try {
            return JSON.writeValueAsBytes(view(g, p, System.currentTimeMillis()));
        } catch (IOException e) {
            return null;
        }
    }

    /** /xezq/{file id}/out-{i}.{png|jpg}: 404 once the prediction's data is removed. */
    private void file(HttpExchange exchange, String path) throws IOException {
        String[] parts = path.split("/");
        SimulatedGeneration g = parts.length == 4 ? generationOfImage(parts[2]) : null;
        ReplicatePrediction p = g == null ? null : predictions.get(g.id);
        long now = System.currentTimeMillis();
        if (p == null || !p.status(g, now).equals("succeeded") || p.dataRemoved(g, now)) {
            sendText(exchange, 404, "Not Found");
            return;
        }
        int index = g.imageIds.indexOf(parts[2]);
        int[] size = dimensions(p.input.path("aspect_ratio").asText("1:1"));
        sendImage(exchange, g, index, p.extension.equals("jpg") ? "image/jpeg" : "image/png",
                PromptImage.render(g.prompt, size[0], size[1], g.id.hashCode() + index, p.extension));
    }

    /** The image's width and height for an aspect ratio, the longer side {@link #imageSize()}. */
    private int[] dimensions(String ratio) {
        String[] wh = ratio.split(":");
        int side = imageSize();
        if (wh.length != 2 || !wh[0].matches("\\d+") || !wh[1].matches("\\d+")) {
            return new int[] {side, side};
        }
        double w = Double.parseDouble(wh[0]);
        double h = Double.parseDouble(wh[1]);
        return w >= h ? new int[] {side, (int) Math.max(16, side * h / w)} : new int[] {(int) Math.max(16, side * w / h), side};
    }

    private static String predictionId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder(26);
        for (int i = 0; i < 26; i++) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    static String bearerKey(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).trim();
    }

    @Override
    protected void providerError(HttpExchange exchange, int status, String message) throws IOException {
        if (status == 429) {
            String retryAfter = exchange.getResponseHeaders().getFirst("Retry-After");
            problem(exchange, 429, "Request was throttled.", "Request was throttled. Your rate limit resets in ~"
                    + (retryAfter == null ? "30" : retryAfter) + "s.");
        } else {
            problem(exchange, status, message, message);
        }
    }

    private static void invalid(HttpExchange exchange, String field, String type, String description) throws IOException {
        Map<String, Object> body = problemBody(422, "Input validation failed", "- " + field + ": " + description + "\n");
        body.put("invalid_fields", List.of(Map.of("type", type, "field", field, "description", description)));
        send(exchange, 422, "application/problem+json", JSON.writeValueAsBytes(body));
    }

    private static void problem(HttpExchange exchange, int status, String title, String detail) throws IOException {
        send(exchange, status, "application/problem+json", JSON.writeValueAsBytes(problemBody(status, title, detail)));
    }

    private static Map<String, Object> problemBody(int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return body;
    }
}
