package org.imagegen.simulator;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What {@link ReplicateSimulator} keeps of a prediction besides the shared generation, and how it looks at a moment:
 * its status and the prediction object Replicate answers.
 */
final class ReplicatePrediction {

    /** FLUX's predictor on Replicate refuses like this: a failed prediction, the reason in {@code error}. */
    static final String NSFW_MANY = "All generated images contained NSFW content. Try running it again with a different prompt.";
    static final String NSFW_ONE = "Generated image contained NSFW content. Try running it again with a different prompt.";
    private static final List<String> TERMINAL = List.of("succeeded", "failed", "canceled", "aborted");

    final String model;
    final String version;
    final JsonNode input;
    final String webhook;
    final List<String> events;
    final boolean singleOutput;
    final String extension;
    final long lifetimeMs;
    final AtomicBoolean completedSent = new AtomicBoolean();
    volatile Long canceledAt;

    ReplicatePrediction(String model, String version, JsonNode input, String webhook, List<String> events,
                        long lifetimeMs) {
        this.model = model;
        this.version = version;
        this.input = input;
        this.webhook = webhook;
        this.events = events;
        this.lifetimeMs = lifetimeMs;
        this.singleOutput = outputsOneUri(model);
        this.extension = input.path("output_format").asText("").equals("jpg") ? "jpg" : "png";
    }

    /** flux-1.1-pro and the other pro/ultra models answer one URI string; schnell and dev an array. */
    static boolean outputsOneUri(String model) {
        return model.contains("-pro") || model.contains("ultra");
    }

    static boolean isTerminal(String status) {
        return TERMINAL.contains(status);
    }

    String status(SimulatedGeneration g, long now) {
        if (canceledAt != null) {
            return "canceled";
        }
        boolean finished = g.isFinished(now);
        if (g.prompt.contains("sim:aborted")) {
            return finished ? "aborted" : "starting";
        }
        if (g.progress(now) < 0.2) {
            return "starting";
        }
        if (!finished) {
            return "processing";
        }
        if (g.prompt.contains("sim:canceled")) {
            return "canceled";
        }
        return g.fate == SimulatedGeneration.Fate.SUCCEED ? "succeeded" : "failed";
    }

    private long finishedAt(SimulatedGeneration g) {
        return canceledAt != null ? canceledAt : g.completesAt();
    }

    /** Replicate removes an API prediction's input, output and files a while after it finished. */
    boolean dataRemoved(SimulatedGeneration g, long now) {
        return isTerminal(status(g, now)) && now >= finishedAt(g) + lifetimeMs;
    }

    /** The prediction object; {@code uris}: its files' URIs, shown once it succeeded. */
    Map<String, Object> view(SimulatedGeneration g, long now, String apiBase, List<String> uris) {
        String status = status(g, now);
        boolean removed = dataRemoved(g, now);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", g.id);
        view.put("model", model);
        view.put("version", version == null ? "hidden" : version);
        view.put("input", removed ? Map.of() : input);
        boolean started = !status.equals("starting") && !status.equals("aborted");
        view.put("logs", removed || !started ? "" : "Using seed: 42\n");
        Object output = null;
        if (status.equals("succeeded") && !removed) {
            output = singleOutput ? uris.get(0) : uris;
        }
        view.put("output", output);
        view.put("data_removed", removed);
        String error = null;
        if (status.equals("failed")) {
            error = g.fate == SimulatedGeneration.Fate.CENSOR ? (singleOutput ? NSFW_ONE : NSFW_MANY)
                    : "Prediction failed: the model raised an exception (simulated)";
        }
        view.put("error", error);
        view.put("status", status);
        view.put("source", "api");
        view.put("created_at", Instant.ofEpochMilli(g.startedAt).toString());
        view.put("started_at", started ? Instant.ofEpochMilli(g.startedAt + g.durationMs / 5).toString() : null);
        view.put("completed_at", isTerminal(status) ? Instant.ofEpochMilli(finishedAt(g)).toString() : null);
        String self = apiBase + "/v1/predictions/" + g.id;
        view.put("urls", Map.of("get", self, "cancel", self + "/cancel", "web", "https://replicate.com/p/" + g.id));
        if (status.equals("succeeded")) {
            view.put("metrics", Map.of("image_count", uris.size(), "predict_time", g.durationMs * 0.8 / 1000.0,
                    "total_time", g.durationMs / 1000.0));
        }
        return view;
    }
}
