package org.imagegen.simulator;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * all-images.ai's paid image routes in the simulator: {@code POST /v1/images/buy {"id"}} answers direct links
 * (full, upscale ×2, upscale UHD ×4, served without a key under {@code /v1/bought/}), {@code POST /v1/images/download
 * {"id"}} answers the JPEG itself. Each debits one credit the first time an image is bought, never again for the
 * same image ("credits are debited only once"); with no credits left they answer {@code 402}. {@code GET /v1/credit}
 * shows the balance. Credits are unlimited unless set ({@code imagegen.simulator.all-images.credits}).
 */
final class AllImagesPurchases {

    /** The sizes a purchase answers, by field, with their scale over the display image. */
    private static final Map<String, Integer> SIZES = Map.of("full", 1, "upscale", 2, "upscale-uhd", 4);

    private final AllImagesSimulator simulator;
    private final Set<String> bought = ConcurrentHashMap.newKeySet();
    private final AtomicInteger debited = new AtomicInteger();
    private long credits = -1;

    AllImagesPurchases(AllImagesSimulator simulator) {
        this.simulator = simulator;
    }

    synchronized void setCredits(long credits) {
        this.credits = credits;
    }

    synchronized long credits() {
        return credits;
    }

    int debited() {
        return debited.get();
    }

    /** Debits one credit for an image not bought before; false when none is left. */
    private synchronized boolean charge(String imageId) {
        if (bought.contains(imageId)) {
            return true;
        }
        if (credits == 0) {
            return false;
        }
        if (credits > 0) {
            credits--;
        }
        bought.add(imageId);
        debited.incrementAndGet();
        return true;
    }

    /** {@code POST /v1/images/buy} ({@code download}: {@code POST /v1/images/download}). */
    void buy(HttpExchange exchange, boolean download) throws IOException {
        JsonNode body = ProviderSimulator.JSON.readTree(ProviderSimulator.body(exchange));
        String imageId = body == null ? "" : body.path("id").asText("");
        SimulatedGeneration g = imageId.isEmpty() ? null : simulator.generationOfImage(imageId);
        if (g == null || !simulator.generations.containsKey(g.id)) {
            AllImagesSimulator.error(exchange, 400, "Bad Request", "Image not found");
            return;
        }
        if (!charge(imageId)) {
            AllImagesSimulator.error(exchange, 402, "Payment Required", "Not enough credits");
            return;
        }
        if (download) {
            simulator.sendImage(exchange, g, g.imageIds.indexOf(imageId), "image/jpeg", render(g, imageId, 1));
            return;
        }
        String links = "http://127.0.0.1:" + simulator.port() + "/v1/bought/" + imageId + "/";
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", imageId);
        answer.put("url", simulator.baseUrl() + "/images/preview/" + imageId + ".jpg");
        answer.put("urlFull", links + "full.jpg");
        answer.put("urlUpscale", links + "upscale.jpg");
        answer.put("urlUpscaleUHD", links + "upscale-uhd.jpg");
        answer.put("downloadedAt", Instant.now().toString());
        ProviderSimulator.sendJson(exchange, 200, answer);
    }

    /** {@code GET /v1/bought/{imageId}/{size}.jpg}: a bought image, public (no key), only once bought. */
    void boughtImage(HttpExchange exchange, String path) throws IOException {
        String[] parts = path.split("/"); // "", "v1", "bought", id, size.jpg
        String imageId = parts.length == 5 ? parts[3] : "";
        Integer scale = parts.length == 5 ? SIZES.get(parts[4].replace(".jpg", "")) : null;
        SimulatedGeneration g = simulator.generationOfImage(imageId);
        if (scale == null || g == null || !bought.contains(imageId)) {
            ProviderSimulator.sendText(exchange, 404, "Not Found");
            return;
        }
        simulator.sendImage(exchange, g, g.imageIds.indexOf(imageId), "image/jpeg", render(g, imageId, scale));
    }

    /** {@code GET /v1/credit}. */
    void credit(HttpExchange exchange) throws IOException {
        long left = credits();
        ProviderSimulator.sendJson(exchange, 200, Map.of("credits", java.util.List.of(Map.of("type", "global",
                "credit", Math.max(left, 0), "creditTotal", Math.max(left, 0) + debited(), "unlimited", left < 0))));
    }

    private byte[] render(SimulatedGeneration g, String imageId, int scale) {
        int index = g.imageIds.indexOf(imageId);
        int size = simulator.imageSize() * scale;
        return PromptImage.render(g.prompt + " (" + (index + 1) + "/" + g.imageIds.size() + ")", size, size,
                g.id.hashCode() + index, "jpg");
    }
}
