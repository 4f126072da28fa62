package org.imagegen.simulator;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * A local all-images.ai following {@code docs/providers/all-images.md}: {@code api-key} auth, NestJS error
 * bodies, status 0/1 → 2 → 3 or 4, four JPEG images that fill in while processing, tag search, retry, update and
 * delete.
 */
public class AllImagesSimulator extends ProviderSimulator {

    private static final int IMAGES = 4;
    private static final List<String> FORMATS = List.of("1:1", "3:2", "2:3", "4:7", "7:4", "5:4", "4:5", "16:9", "9:16");

    private final AllImagesPurchases purchases = new AllImagesPurchases(this);
    private final AllImagesWebhooks webhooks = new AllImagesWebhooks(this);

    public AllImagesSimulator(SimulatorSettings settings) {
        super(settings);
    }

    /** The credits the paid image routes (buy, download) may still debit, one per image; negative: unlimited. */
    public void setCredits(long credits) {
        purchases.setCredits(credits);
    }

    /** {@code imagegen.simulator.all-images.credits}: what the paid image routes may debit (-1 or unset: unlimited). */
    @Override
    public void configure(java.util.function.Function<String, java.util.Optional<String>> setting) {
        setting.apply("credits").map(String::strip).filter(v -> !v.isEmpty())
                .ifPresent(v -> setCredits(Long.parseLong(v)));
    }

    public long credits() {
        return purchases.credits();
    }

    /** Credits debited so far: the images bought (or downloaded through the paid route), each counted once. */
    public int creditsDebited() {
        return purchases.debited();
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    @Override
    protected String keyHeader() {
        return "api-key";
    }

    @Override
    protected void handle(HttpExchange exchange, String method, String path) throws IOException {
        if (!path.startsWith("/v1/")) {
            error(exchange, 404, "Not Found", "Cannot " + method + " " + path);
            return;
        }
        if (path.startsWith("/v1/bought/") && method.equals("GET")) {
            purchases.boughtImage(exchange, path);
            return;
        }
        if (!authorised(exchange, keyHeader())) {
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
        } else if (path.equals("/v1/images/buy") && method.equals("POST")) {
            purchases.buy(exchange, false);
        } else if (path.equals("/v1/images/download") && method.equals("POST")) {
            purchases.buy(exchange, true);
        } else if (path.equals("/v1/credit") && method.equals("GET")) {
            purchases.credit(exchange);
        } else if (path.equals("/v1/api-keys/webhook/subscribe") && method.equals("POST")) {
            webhooks.subscribe(exchange);
        } else if (AllImagesWebhooks.isUnsubscribe(path) && method.equals("DELETE")) {
            webhooks.unsubscribe(exchange, path);
        } else if (path.equals("/v1/api-keys/check")) {
            sendJson(exchange, 200, Map.of("email", "simulator@localhost"));
        } else {
            error(exchange, 404, "Not Found", "Cannot " + method + " " + path);
        }
    }

    private void create(HttpExchange exchange) throws IOException {
        JsonNode body = SimulatorSupport.jsonBody(exchange,
                invalid -> error(invalid, 400, "Bad Request", "Unexpected token in JSON"));
        if (body == null) {
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
        // AllImages carries the job's key in the print's metaData, not in a header
        CreateStart start = startCreate(exchange, body.path("metaData").path("jobKey").asText(null), prompt, 201);
        if (start == null) {
            return;
        }
        List<String> tags = new ArrayList<>();
        body.path("tags").forEach(t -> tags.add(t.asText()));
        SimulatedGeneration g = new SimulatedGeneration(newId("print_"), start.jobKey(), prompt, tags,
                JSON.convertValue(body.path("metaData"), Object.class), JSON.convertValue(body.path("params"), Object.class),
                body.path("processMode").asText("fast"), start.scenario());
        begin(g, true);
        for (int i = 0; i < IMAGES; i++) {
            g.imageIds.add(newId("img_"));
        }
        webhooks.schedule(g);
        if (!made(exchange, g)) {
            return;
        }
        if (answerFault(exchange, start.fault(), start.scenario(), 201)) {
            return;
        }
        sendJson(exchange, 201, view(g, System.currentTimeMillis()));
    }

    private void get(HttpExchange exchange, String id) throws IOException {
        SimulatedGeneration g = checked(exchange, generations.get(id),
                unknown -> error(unknown, 404, "Not Found", "Image generation not found"));
        if (g != null) {
            sendJson(exchange, 200, view(g, System.currentTimeMillis()));
        }
    }

    private void list(HttpExchange exchange) throws IOException {
        Map<String, String> query = SimulatorSupport.query(exchange);
        String tag = query.get("tag");
        // a search for one job's tag (imagegen-<key>) meets that job's find faults; a list of many (the tag every
        // generation of the bundle carries) meets none
        List<SimulatedGeneration> withTag = tag == null ? List.of() : generations.values().stream()
                .filter(g -> g.tags.contains(tag)).limit(2).toList();
        SimulatedGeneration tagged = withTag.size() == 1 ? withTag.get(0) : null;
        if (tagged != null) {
            Fault fault = nextFault(Scenario.FIND, tagged.jobKey, tagged.scenario);
            if (answerFault(exchange, fault, tagged.scenario, 200)) {
                return;
            }
        }
        int limit = Integer.parseInt(query.getOrDefault("limit", "10"));
        int offset = Integer.parseInt(query.getOrDefault("offset", "0"));
        long now = System.currentTimeMillis();
        // newest first (assumed: the documentation names a sort parameter but not its default)
        List<SimulatedGeneration> filtered = generations.values().stream()
                .filter(g -> tag == null || g.tags.contains(tag))
                .sorted(Comparator.comparingLong((SimulatedGeneration g) -> g.createdAt).reversed()).toList();
        List<Map<String, Object>> prints = filtered.stream().skip(offset).limit(limit).map(g -> view(g, now)).toList();
        sendJson(exchange, 200, Map.of("filteredResults", filtered.size(), "prints", prints));
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
        webhooks.schedule(g);
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
        sendImage(exchange, g, index, "image/jpeg", jpeg);
    }

    int status(SimulatedGeneration g, long now) {
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

    Map<String, Object> view(SimulatedGeneration g, long now) {
        int status = status(g, now);
        int available = status == 3 ? IMAGES : status == 2 ? (int) Math.min(IMAGES - 1, Math.floor(g.progress(now) * IMAGES)) : 0;
        List<Map<String, Object>> images = new ArrayList<>();
        for (int i = 0; i < available; i++) {
            String imageId = g.imageIds.get(i);
            Map<String, Object> image = new LinkedHashMap<>();
            image.put("id", imageId);
            String imagesBase = g.scenario.foreignImages() ? baseUrl().replace("127.0.0.1", "localhost") : baseUrl();
            image.put("url", redirected(imagesBase + "/images/preview/" + imageId + ".jpg", g.scenario));
            image.put("urlFull", redirected(imagesBase + "/images/full/" + imageId + ".jpg", g.scenario));
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

    /** Webhook deliveries posted so far. */
    public int webhooksSent() {
        return webhooks.sent();
    }

    /** Subscriptions currently registered. */
    public int webhookSubscriptions() {
        return webhooks.ids().size();
    }

    /** The ids of the subscriptions currently registered. */
    public Set<String> webhookIds() {
        return webhooks.ids();
    }

    @Override
    public void close() {
        webhooks.close();
        super.close();
    }

    @Override
    protected void providerError(HttpExchange exchange, int status, String message) throws IOException {
        error(exchange, status, message, status == 429 ? "ThrottlerException: Too Many Requests" : message);
    }

    static void error(HttpExchange exchange, int status, String error, Object message) throws IOException {
        sendJson(exchange, status, Map.of("statusCode", status, "error", error, "message", message));
    }
}
