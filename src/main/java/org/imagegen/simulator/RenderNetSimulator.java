package org.imagegen.simulator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * A local RenderNet following {@code docs/providers/rendernet.md}: {@code X-API-KEY} auth, {"data", "err"}
 * envelopes, an array create body, media items initiated → pending → success/failed; a censored item shows as
 * "failed" in Get Generation and as "censored" only on the deprecated status endpoint. Creates are counted per
 * {@code Idempotency-Key} header, which the bundle sends and the real service ignores. Its media are on another host
 * name than its API, as the real service serves them from Amazon S3 (redernet-image-data.s3.amazonaws.com). Credits as
 * the real service reports them: a balance debited at each create ({@link #CREDITS_PER_IMAGE} per image, an
 * assumption: the price depends on model and plan), shown after the debit as the create answer's
 * {@code credits_remaining}, estimated beforehand by {@code POST /pub/v1/generations/estimate}; a create the balance
 * cannot pay is refused with 402.
 */
public class RenderNetSimulator extends ImageHostSimulator {

    private static final List<String> ASPECT_RATIOS = List.of("1:1", "2:3", "3:2", "4:5", "16:9", "9:16");

    /** What one image costs in the simulator (RenderNet's own prices depend on model and plan). */
    public static final int CREDITS_PER_IMAGE = 1;

    private long credits = 1_000_000;

    public RenderNetSimulator(SimulatorSettings settings) {
        super(settings);
    }

    /** {@code imagegen.simulator.rendernet.credits}: the balance creates are debited from. */
    @Override
    public void configure(java.util.function.Function<String, java.util.Optional<String>> setting) {
        setting.apply("credits").map(String::strip).filter(v -> !v.isEmpty())
                .ifPresent(v -> setCredits(Long.parseLong(v)));
    }

    public synchronized void setCredits(long credits) {
        this.credits = credits;
    }

    /** The balance left: what the next create answer's credits_remaining says once that create is debited. */
    public synchronized long credits() {
        return credits;
    }

    /** Debits a create of {@code images} images; the balance left after it, or -1 when it cannot be paid. */
    private synchronized long debit(int images) {
        if (credits < (long) images * CREDITS_PER_IMAGE) {
            return -1;
        }
        credits -= (long) images * CREDITS_PER_IMAGE;
        return credits;
    }

    @Override
    protected String keyHeader() {
        return "X-API-KEY";
    }

    @Override
    protected void handle(HttpExchange exchange, String method, String path) throws IOException {
        if (path.startsWith("/media/") && method.equals("GET")) {
            // only on the image host, as S3 is not the API: a media URL rewritten to the API's host finds nothing
            String host = String.valueOf(exchange.getRequestHeaders().getFirst("Host"));
            if (!host.equals(IMAGE_HOST) && !host.startsWith(IMAGE_HOST + ":")) {
                sendText(exchange, 404, "Not Found");
                return;
            }
            media(exchange, path.substring("/media/".length()));
            return;
        }
        if (!path.startsWith("/pub/v1/generations")) {
            error(exchange, 404, "NF01", "Not found");
            return;
        }
        if (!authorised(exchange, keyHeader())) {
            error(exchange, 401, "AU01", "Invalid API key");
            return;
        }
        String[] parts = path.substring("/pub/v1/generations".length()).split("/");
        // parts[0] is "" (path continues with '/') or the whole path was just /pub/v1/generations
        if (parts.length <= 1 && method.equals("POST")) {
            create(exchange);
        } else if (parts.length == 2 && parts[1].equals("estimate") && method.equals("POST")) {
            estimate(exchange);
        } else if (parts.length <= 1 && method.equals("GET")) {
            list(exchange);
        } else if (parts.length == 2 && method.equals("GET")) {
            try (CheckInFlight ignored = checkStarted(parts[1])) {
                get(exchange, parts[1]);
            }
        } else if (parts.length == 2 && method.equals("DELETE")) {
            SimulatedGeneration removed = generations.remove(parts[1]);
            if (removed == null) {
                error(exchange, 404, "GE04", "Generation not found");
            } else {
                sendJson(exchange, 200, Map.of("data", Map.of("id", parts[1]), "err", Map.of()));
            }
        } else if (parts.length == 3 && parts[2].equals("status") && method.equals("GET")) {
            try (CheckInFlight ignored = checkStarted(parts[1])) {
                status(exchange, parts[1]);
            }
        } else {
            error(exchange, 404, "NF01", "Not found");
        }
    }

    private void create(HttpExchange exchange) throws IOException {
        JsonNode body = SimulatorSupport.jsonBody(exchange,
                invalid -> error(invalid, 400, "GE01", "Invalid JSON body"));
        if (body == null) {
            return;
        }
        if (!body.isArray() || body.isEmpty()) {
            error(exchange, 400, "GE02", "The body must be a non-empty array of generations");
            return;
        }
        JsonNode first = body.get(0);
        String prompt = first.path("prompt").path("positive").asText("");
        if (prompt.isBlank()) {
            error(exchange, 400, "GE03", "prompt.positive is required");
            return;
        }
        if (!ASPECT_RATIOS.contains(first.path("aspect_ratio").asText("1:1"))) {
            error(exchange, 400, "GE05", "Invalid aspect ratio");
            return;
        }
        CreateStart start = startCreate(exchange, SimulatorSupport.jobKey(exchange), prompt, 201);
        if (start == null) {
            return;
        }
        int batch = Math.max(1, first.path("batch_size").asInt(1));
        long remaining = debit(batch);
        if (remaining < 0) {
            error(exchange, 402, "CR01", "Insufficient credits");
            return;
        }
        SimulatedGeneration g = new SimulatedGeneration(newId("gen_"), start.jobKey(), prompt, List.of(), null, null,
                null, start.scenario());
        begin(g, true);
        for (int i = 0; i < batch; i++) {
            g.imageIds.add(newId("media_"));
        }
        if (!made(exchange, g)) {
            return;
        }
        if (answerFault(exchange, start.fault(), start.scenario(), 201)) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("credits_remaining", remaining);
        data.put("generation_id", g.id);
        data.put("media", media(g, System.currentTimeMillis(), false));
        sendJson(exchange, 201, Map.of("data", data, "err", Map.of()));
    }

    /** The estimate endpoint: what the body would cost and the balance; its envelope says "error", not "err". */
    private void estimate(HttpExchange exchange) throws IOException {
        JsonNode body;
        try {
            body = JSON.readTree(body(exchange));
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isArray() || body.isEmpty()) {
            Map<String, Object> refused = new LinkedHashMap<>();
            refused.put("data", null);
            refused.put("error", Map.of("code", "GE02", "message", "The body must be a non-empty array of generations"));
            sendJson(exchange, 400, refused);
            return;
        }
        Scenario scenario = Scenario.of(body.get(0).path("prompt").path("positive").asText(""));
        Fault fault = nextFault(Scenario.ESTIMATE, SimulatorSupport.jobKey(exchange), scenario);
        if (answerFault(exchange, fault, scenario, 200)) {
            return;
        }
        long estimated = 0;
        for (JsonNode generation : body) {
            estimated += (long) Math.max(1, generation.path("batch_size").asInt(1)) * CREDITS_PER_IMAGE;
        }
        sendJson(exchange, 200, Map.of("data", Map.of("estimated", estimated, "balance", credits()),
                "error", Map.of()));
    }

    private void get(HttpExchange exchange, String id) throws IOException {
        SimulatedGeneration g = checked(exchange, generations.get(id),
                unknown -> error(unknown, 404, "GE04", "Generation not found"));
        if (g != null) {
            sendJson(exchange, 200, Map.of("data", generationView(g), "err", Map.of()));
        }
    }

    private Map<String, Object> generationView(SimulatedGeneration g) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("created_at", g.startedAt / 1000);
        data.put("generation_id", g.id);
        data.put("media", media(g, System.currentTimeMillis(), false));
        return data;
    }

    private void status(HttpExchange exchange, String id) throws IOException {
        SimulatedGeneration g = generations.get(id);
        if (g == null) {
            error(exchange, 404, "GE04", "Generation not found");
            return;
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (Map<String, Object> m : media(g, System.currentTimeMillis(), true)) {
            items.add(Map.of("image_id", m.get("id"), "status", m.get("status")));
        }
        sendJson(exchange, 200, Map.of("data", items, "err", Map.of()));
    }

    private void list(HttpExchange exchange) throws IOException {
        Map<String, String> query = SimulatorSupport.query(exchange);
        int page = Math.max(1, Integer.parseInt(query.getOrDefault("page", "1")));
        int size = Integer.parseInt(query.getOrDefault("page_size", "10"));
        if (size < 2 || size > 49) {
            // documented both as "1 < x < 50" and "1 <= x <= 50": the simulator holds the stricter reading
            error(exchange, 400, "GE10", "page_size must be greater than 1 and less than 50");
            return;
        }
        // newest first (assumed: the documentation does not say)
        List<Map<String, Object>> all = generations.values().stream()
                .sorted(java.util.Comparator.comparingLong((SimulatedGeneration g) -> g.startedAt).reversed())
                .map(this::generationView).toList();
        List<Map<String, Object>> pageItems = all.stream().skip((long) (page - 1) * size).limit(size).toList();
        sendJson(exchange, 200, Map.of("data", pageItems, "err", Map.of(),
                "pagination", Map.of("page", page, "page_size", size, "total", all.size())));
    }

    private List<Map<String, Object>> media(SimulatedGeneration g, long now, boolean showCensored) {
        double progress = g.progress(now);
        List<Map<String, Object>> items = new ArrayList<>();
        for (String mediaId : g.imageIds) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", mediaId);
            item.put("dim", Map.of("height", 512, "width", 512));
            item.put("model", "JuggernautXL");
            item.put("type", "image");
            if (progress < 0.2) {
                item.put("status", "initiated");
            } else if (!g.isFinished(now)) {
                item.put("status", "pending");
            } else if (g.fate == SimulatedGeneration.Fate.SUCCEED) {
                item.put("status", "success");
                item.put("url", "http://" + IMAGE_HOST + ":" + port() + "/media/" + mediaId + ".png");
            } else {
                item.put("status", g.fate == SimulatedGeneration.Fate.CENSOR && showCensored ? "censored" : "failed");
                item.put("url", "");
            }
            items.add(item);
        }
        return items;
    }

    private void media(HttpExchange exchange, String file) throws IOException {
        String mediaId = file.endsWith(".png") ? file.substring(0, file.length() - 4) : file;
        SimulatedGeneration g = generationOfImage(mediaId);
        if (g == null || !generations.containsKey(g.id) || !g.isFinished(System.currentTimeMillis())
                || g.fate != SimulatedGeneration.Fate.SUCCEED) {
            sendText(exchange, 404, "Not Found");
            return;
        }
        int index = g.imageIds.indexOf(mediaId);
        sendImage(exchange, g, index, "image/png",
                PromptImage.render(g.prompt, imageSize(), imageSize(), g.id.hashCode() + index, "png"));
    }

    @Override
    protected void providerError(HttpExchange exchange, int status, String message) throws IOException {
        error(exchange, status, status == 429 ? "RL01" : "E" + status, status == 429 ? "Rate limit exceeded" : message);
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", null);
        body.put("err", Map.of("code", code, "message", message));
        sendJson(exchange, status, body);
    }
}
