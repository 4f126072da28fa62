package org.imagegen.simulator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * A local OpenAI Images API following {@code docs/providers/more-providers.md}: Bearer auth, the synchronous
 * {@code POST /v1/images/generations} of the gpt-image models, which answers only when the images are made (after
 * the generation's duration) with the images themselves in base64; parameters checked as gpt-image-1 checks them,
 * errors as {@code {"error": {message, type, param, code}}}. Creates are counted per {@code Idempotency-Key} header,
 * which the bundle sends.
 * <p>
 * A waiting answer does not hold one of the HTTP server's workers: the exchange is answered later from a timer
 * ({@link #answerLater}), so a hundred generations in flight do not stop the simulator from answering others.
 * <p>
 * Directives ({@link Scenario}): {@code sim:censor} refuses after the generation's time, as the output moderation
 * does ({@code moderation_blocked}, stage output), {@code sim:censor-input} at once (stage input, nothing made);
 * {@code sim:fail} answers 500 {@code server_error} after the generation's time (OpenAI has no failed state), {@code
 * sim:fail-once} only for the first create of a job key; {@code sim:never} never answers; {@code sim:create-lost}
 * drops the connection when the answer is due; {@code sim:no-quota} refuses at once with 429 {@code insufficient_quota};
 * {@code sim:billing-limit} refuses at once with 400
 * {@code billing_hard_limit_reached}, nothing made. Create faults: 429 (with and without Retry-After), 500, 503 and
 * html refuse at once; 502 and malformed come when the answer is due, the images made; slow adds
 * {@code imagegen.simulator.slow-delay}.
 * <p>
 * Choices: only gpt-image models are simulated (a request without {@code model}, which OpenAI reads as dall-e-2, is
 * refused here); {@code output_format} webp is answered with PNG bytes (WebP cannot be drawn here); the images are
 * {@link #imageSize()} pixels on their longer side, in the size's proportions.
 */
public class OpenAiSimulator extends ProviderSimulator {

    private static final Set<String> PARAMETERS = Set.of("model", "prompt", "n", "size", "quality", "background",
            "moderation", "output_format", "output_compression", "user", "stream", "partial_images");
    private static final Map<String, List<String>> CHOICES = Map.of(
            "size", List.of("1024x1024", "1536x1024", "1024x1536", "auto"),
            "quality", List.of("low", "medium", "high", "auto"),
            "background", List.of("transparent", "opaque", "auto"),
            "moderation", List.of("low", "auto"),
            "output_format", List.of("png", "jpeg", "webp"));

    private final ScheduledThreadPoolExecutor timer;
    private final Set<HttpExchange> waiting = ConcurrentHashMap.newKeySet();
    /** The images each job key was sent, as decoded bytes, in the answer's order (the last answer's). */
    private final Map<String, List<byte[]>> sent = new ConcurrentHashMap<>();
    /** The last create body each job key sent. */
    private final Map<String, JsonNode> requests = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger otherCalls = new java.util.concurrent.atomic.AtomicInteger();

    public OpenAiSimulator(SimulatorSettings settings) {
        super(settings);
        timer = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "OpenAiSimulator-answers");
            t.setDaemon(true);
            return t;
        });
        // no idle threads: every test context starts simulators
        timer.setKeepAliveTime(5, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Generations whose answer is still to come. */
    public int answersWaiting() {
        return waiting.size();
    }

    /** The images sent for a job key in its last answer (empty when none was sent): what the bundle must deliver. */
    public List<byte[]> imagesSent(String jobKey) {
        return sent.getOrDefault(String.valueOf(jobKey), List.of());
    }

    /** The last create body received for a job key, or null. */
    public JsonNode requestFor(String jobKey) {
        return requests.get(String.valueOf(jobKey));
    }

    /** Calls to anything but the create: the API has nothing else, so the bundle should make none. */
    public int otherCalls() {
        return otherCalls.get();
    }

    @Override
    protected void handle(HttpExchange exchange, String method, String path) throws IOException {
        String key = ReplicateSimulator.bearerKey(exchange);
        if (key == null || key.isBlank()) {
            error(exchange, 401, "You didn't provide an API key. You need to provide your API key in an Authorization"
                    + " header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", "invalid_request_error",
                    null, "invalid_api_key");
            return;
        }
        if (settings.apiKey() != null && !settings.apiKey().isBlank() && !settings.apiKey().equals(key)) {
            error(exchange, 401, "Incorrect API key provided: " + masked(key) + ".", "invalid_request_error", null,
                    "invalid_api_key");
            return;
        }
        if (path.equals("/v1/models") && method.equals("GET")) {
            // the key check (keyCheckPath): lists the models the key may use
            sendJson(exchange, 200, Map.of("object", "list", "data", List.of(Map.of("id", "gpt-image-1",
                    "object", "model", "owned_by", "openai"))));
            return;
        }
        if (!path.equals("/v1/images/generations") || !method.equals("POST")) {
            otherCalls.incrementAndGet();
            error(exchange, 404, "Invalid URL (" + method + " " + path + ")", "invalid_request_error", null, null);
            return;
        }
        generate(exchange);
    }

    private void generate(HttpExchange exchange) throws IOException {
        JsonNode body = parsed(body(exchange));
        if (body == null || !body.isObject()) {
            error(exchange, 400, "We could not parse the JSON body of your request. (HINT: This likely means you"
                    + " aren't using your HTTP library correctly.)", "invalid_request_error", null, null);
            return;
        }
        if (refusedParameters(exchange, body)) {
            return;
        }
        String prompt = body.path("prompt").asText();
        String jobKey = SimulatorSupport.jobKey(exchange);
        requests.put(String.valueOf(jobKey), body);
        CreateStart start = startCreate(exchange, jobKey, prompt, 200);
        if (start == null) {
            return;
        }
        if (prompt.contains("sim:censor-input")) {
            moderationBlocked(exchange, "input");
            return;
        }
        if (prompt.contains("sim:no-quota")) {
            error(exchange, 429, "You exceeded your current quota, please check your plan and billing details.",
                    "insufficient_quota", null, "insufficient_quota");
            return;
        }
        if (prompt.contains("sim:billing-limit")) {
            error(exchange, 400, "Billing hard limit has been reached", "billing_limit_user_error", null,
                    "billing_hard_limit_reached");
            return;
        }
        int n = body.path("n").asInt(1);
        SimulatedGeneration g = new SimulatedGeneration(newId("img_"), jobKey, prompt, List.of(), null, null, null,
                start.scenario());
        begin(g, createsFor(jobKey) == 0);
        for (int i = 0; i < n; i++) {
            g.imageIds.add(g.id + "_" + i);
        }
        register(g);
        countCreate(jobKey);
        answerLater(exchange);
        waiting.add(exchange);
        if (g.fate == SimulatedGeneration.Fate.NEVER) {
            return; // dropped at close
        }
        long delay = g.durationMs + (start.fault() == Fault.SLOW ? settings.slowDelay().toMillis() : 0);
        timer.schedule(() -> answer(exchange, g, body, start.fault()), delay, TimeUnit.MILLISECONDS);
    }

    private static JsonNode parsed(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    /** The answer when the generation's time is up; runs on the timer, not on the server's workers. */
    private void answer(HttpExchange exchange, SimulatedGeneration g, JsonNode body, Fault fault) {
        if (!waiting.remove(exchange)) {
            return;
        }
        try (exchange) {
            if (loseAnswer(g.jobKey, g.scenario)) {
                return; // closed without an answer
            }
            if (fault != Fault.SLOW && answerFault(exchange, fault, g.scenario, 200)) {
                return;
            }
            switch (g.fate) {
                case CENSOR -> moderationBlocked(exchange, "output");
                case FAIL -> error(exchange, 500, "The server had an error while processing your request. Sorry about"
                        + " that!", "server_error", null, null);
                default -> sendJson(exchange, 200, images(g, body));
            }
        } catch (IOException | RuntimeException e) {
            // the client went away: nothing to answer
        }
    }

    private Map<String, Object> images(SimulatedGeneration g, JsonNode body) {
        String size = body.path("size").asText("auto");
        String quality = body.path("quality").asText("auto");
        String format = body.path("output_format").asText("png");
        int[] pixels = pixels(size);
        List<Map<String, Object>> data = new ArrayList<>();
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < g.imageIds.size(); i++) {
            byte[] image = PromptImage.render(g.prompt, pixels[0], pixels[1], g.id.hashCode() + i,
                    format.equals("jpeg") ? "jpg" : "png");
            images.add(image);
            data.add(Map.of("b64_json", Base64.getEncoder().encodeToString(image)));
        }
        sent.put(String.valueOf(g.jobKey), List.copyOf(images));
        // the images travel in the answer: sent is delivered, as far as the simulator can tell
        g.imageIds.forEach(id -> countDownload(g));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("created", g.startedAt / 1000);
        answer.put("background", body.path("background").asText("opaque").equals("transparent") ? "transparent" : "opaque");
        answer.put("data", data);
        answer.put("output_format", format);
        answer.put("quality", quality.equals("auto") ? "medium" : quality);
        answer.put("size", size.equals("auto") ? "1024x1024" : size);
        answer.put("usage", usage(g.prompt, size, quality, data.size()));
        return answer;
    }

    /** Token counts as gpt-image-1 reports them: the output tokens by size and quality, per image. */
    private static Map<String, Object> usage(String prompt, String size, String quality, int images) {
        int perImage = switch (quality) {
            case "low" -> 272;
            case "high" -> 4160;
            default -> 1056;
        };
        if (size.equals("1536x1024") || size.equals("1024x1536")) {
            perImage = perImage * 3 / 2;
        }
        int input = Math.max(1, prompt.length() / 4);
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("input_tokens", input);
        usage.put("input_tokens_details", Map.of("image_tokens", 0, "text_tokens", input));
        usage.put("output_tokens", perImage * images);
        usage.put("total_tokens", input + perImage * images);
        return usage;
    }

    private int[] pixels(String size) {
        int side = imageSize();
        return switch (size) {
            case "1536x1024" -> new int[] {side, side * 2 / 3};
            case "1024x1536" -> new int[] {side * 2 / 3, side};
            default -> new int[] {side, side};
        };
    }

    /** Answers the first parameter gpt-image-1 would refuse and returns true; false when all are fine. */
    private boolean refusedParameters(HttpExchange exchange, JsonNode body) throws IOException {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!PARAMETERS.contains(name)) {
                // response_format too: gpt-image models always answer base64
                invalid(exchange, "Unknown parameter: '" + name + "'.", name, "unknown_parameter");
                return true;
            }
        }
        String model = body.path("model").asText("dall-e-2");
        if (!model.startsWith("gpt-image-")) {
            invalid(exchange, "Invalid value: '" + model + "'. The simulator implements the gpt-image models only.",
                    "model", "invalid_value");
            return true;
        }
        if (!body.path("prompt").isTextual() || body.path("prompt").asText().isEmpty()) {
            invalid(exchange, "Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter");
            return true;
        }
        if (body.path("prompt").asText().length() > 32000) {
            invalid(exchange, "Invalid 'prompt': string too long. Expected a string with maximum length 32000, but got"
                    + " a string with length " + body.path("prompt").asText().length() + " instead.", "prompt",
                    "string_above_max_length");
            return true;
        }
        JsonNode n = body.path("n");
        if (!n.isMissingNode() && !n.isNull()) {
            if (!n.canConvertToInt() || !n.isIntegralNumber()) {
                invalid(exchange, "Invalid type for 'n': expected an integer, but got " + n.getNodeType().name()
                        .toLowerCase(java.util.Locale.ROOT) + " instead.", "n", "invalid_type");
                return true;
            }
            if (n.asInt() < 1 || n.asInt() > 10) {
                boolean low = n.asInt() < 1;
                invalid(exchange, "Invalid 'n': integer " + (low ? "below minimum" : "above maximum") + " value. Expected"
                        + " a value " + (low ? ">= 1" : "<= 10") + ", but got " + n.asInt() + " instead.", "n",
                        low ? "integer_below_min_value" : "integer_above_max_value");
                return true;
            }
        }
        for (Map.Entry<String, List<String>> choice : CHOICES.entrySet()) {
            JsonNode value = body.path(choice.getKey());
            if (!value.isMissingNode() && !value.isNull() && !choice.getValue().contains(value.asText())) {
                invalid(exchange, "Invalid value: '" + value.asText() + "'. Supported values are: '"
                        + String.join("', '", choice.getValue()) + "'.", choice.getKey(), "invalid_value");
                return true;
            }
        }
        JsonNode compression = body.path("output_compression");
        if (!compression.isMissingNode() && !compression.isNull()
                && (!compression.isIntegralNumber() || compression.asInt() < 0 || compression.asInt() > 100)) {
            invalid(exchange, "Invalid 'output_compression': expected an integer between 0 and 100.",
                    "output_compression", "invalid_value");
            return true;
        }
        if (body.path("stream").asBoolean(false)) {
            invalid(exchange, "Invalid value: 'stream'. The simulator does not stream.", "stream", "invalid_value");
            return true;
        }
        return false;
    }

    private static void moderationBlocked(HttpExchange exchange, String stage) throws IOException {
        Map<String, Object> error = errorBody("Your request was rejected by the safety system. If you believe this is"
                + " an error, contact us at help.openai.com and include the request ID " + newId("req_")
                + ". safety_violations=[sexual].", "image_generation_user_error", null, "moderation_blocked");
        error.put("moderation_details", Map.of("moderation_stage", stage, "categories", List.of("sexual")));
        sendJson(exchange, 400, Map.of("error", error));
    }

    @Override
    protected void providerError(HttpExchange exchange, int status, String message) throws IOException {
        if (status == 429) {
            error(exchange, 429, "Rate limit reached for gpt-image-1 in organization org-simulated on images per minute"
                    + " (IPM): Limit 5, Used 5, Requested 1. Please try again in 12s.", "requests", null,
                    "rate_limit_exceeded");
        } else if (status >= 500) {
            error(exchange, status, "The server had an error while processing your request. Sorry about that!",
                    "server_error", null, null);
        } else {
            error(exchange, status, message, "invalid_request_error", null, null);
        }
    }

    private static void invalid(HttpExchange exchange, String message, String param, String code) throws IOException {
        error(exchange, 400, message, "invalid_request_error", param, code);
    }

    private static void error(HttpExchange exchange, int status, String message, String type, String param,
                              String code) throws IOException {
        sendJson(exchange, status, Map.of("error", errorBody(message, type, param, code)));
    }

    private static Map<String, Object> errorBody(String message, String type, String param, String code) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return error;
    }

    private static String masked(String key) {
        return key.length() <= 8 ? "****" : key.substring(0, 3) + "*".repeat(8) + key.substring(key.length() - 4);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (HttpExchange exchange : waiting) {
            exchange.close();
        }
        waiting.clear();
        super.close();
    }
}
