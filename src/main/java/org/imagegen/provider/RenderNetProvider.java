package org.imagegen.provider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.job.Job;
import org.imagegen.request.GenerationRequest;
import org.imagegen.request.Problems;

/**
 * RenderNet ({@code docs/providers/rendernet.md}): {@code X-API-KEY} header, {@code {"data", "err"}}
 * envelopes, a create body that is a JSON array, and no generation-level status: it is derived from the media
 * items (initiated/pending/success/failed). Get Generation cannot say "censored", so when every item failed the
 * deprecated status endpoint is asked once. RenderNet cannot be searched by our key: a create whose answer was
 * lost is parked for an operator instead of being sent again.
 */
public class RenderNetProvider implements ImageProvider {

    public static final String NAME = "rendernet";
    public static final int MAX_PROMPT = 4096;
    static final List<String> ASPECT_RATIOS = List.of("1:1", "2:3", "3:2", "4:5", "16:9", "9:16");
    static final List<String> QUALITIES = List.of("Plus", "Regular");
    static final List<String> SAMPLERS = List.of("DPM++ 2M Karras", "DPM++ 2M SDE Karras", "DPM++ 2S a Karras",
            "DPM++ SDE", "DPM++ SDE Karras", "Euler a");
    static final List<String> OPTIONS = List.of("model", "style_detail", "style", "loras", "quality", "sampler",
            "cfg_scale", "steps", "character", "control_net", "facelock");
    /** The Flux model accepts only these fields besides the prompt. */
    private static final Set<String> FLUX_OPTIONS = Set.of("model", "character", "control_net", "facelock");
    private static final Set<String> TERMINAL = Set.of("success", "failed", "censored");

    private final ProviderSettings settings;
    private final String defaultModel;
    private final int maxBatchSize;
    private final boolean reconcileByList;
    /**
     * The largest page asked of RenderNet's list: its docs say both "1 < x < 50" and "1 <= x <= 50", so the
     * bundle stays inside both.
     */
    static final int LIST_PAGE_SIZE = 49;

    public RenderNetProvider(ProviderSettings settings, String defaultModel, int maxBatchSize) {
        this(settings, defaultModel, maxBatchSize, false);
    }

    /**
     * {@code reconcileByList}: a create whose answer was lost is looked for in the generation list (RenderNet has no
     * search by our key); safe only when no one else creates generations with this API key.
     */
    public RenderNetProvider(ProviderSettings settings, String defaultModel, int maxBatchSize, boolean reconcileByList) {
        this.reconcileByList = reconcileByList;
        this.settings = settings;
        this.defaultModel = defaultModel;
        this.maxBatchSize = maxBatchSize;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The key for the provider's auth header; the route asks for it only for calls to the provider's own host. */
    public String apiKey() {
        return settings.apiKey();
    }

    @Override
    public void validate(GenerationRequest r, Problems problems) {
        if (r.prompt().length() > MAX_PROMPT) {
            problems.add("prompt", "is " + r.prompt().length() + " characters; at most " + MAX_PROMPT + " are accepted");
        }
        if (r.aspectRatio() != null && !ASPECT_RATIOS.contains(r.aspectRatio())) {
            problems.add("aspectRatio", "'" + r.aspectRatio() + "' is not a RenderNet aspect ratio; expected one of " + ASPECT_RATIOS);
        }
        if (r.count() != null && r.count() > maxBatchSize) {
            problems.add("count", "must be from 1 to " + maxBatchSize + " (imagegen.providers.rendernet.max-batch-size)");
        }
        Map<String, Object> o = r.options();
        for (String name : o.keySet()) {
            if (!OPTIONS.contains(name)) {
                problems.add("options." + name, "is not a RenderNet option; expected one of " + OPTIONS);
            }
        }
        Object quality = o.get("quality");
        if (quality != null && !QUALITIES.contains(quality)) {
            problems.add("options.quality", "'" + quality + "' is not a quality; expected one of " + QUALITIES);
        }
        Object sampler = o.get("sampler");
        if (sampler != null && !SAMPLERS.contains(sampler)) {
            problems.add("options.sampler", "'" + sampler + "' is not a sampler (case-sensitive); expected one of " + SAMPLERS);
        }
        Object cfg = o.get("cfg_scale");
        if (cfg != null && !(cfg instanceof Number)) {
            problems.add("options.cfg_scale", "must be a number");
        }
        Object steps = o.get("steps");
        if (steps != null && !(steps instanceof Integer s && s >= 1 && s <= 150)) {
            problems.add("options.steps", "must be a whole number from 1 to 150");
        }
        Object model = o.get("model");
        if (model != null && !(model instanceof String)) {
            problems.add("options.model", "must be a string");
        }
        if (r.model() != null && model != null && !r.model().equals(model)) {
            problems.add("model", "is '" + r.model() + "' but options.model says '" + model + "'; name the model once");
        }
        model = model(r);
        if ("Flux".equals(model)) {
            if (r.negativePrompt() != null) {
                problems.add("negativePrompt", "the Flux model takes no negative prompt");
            }
            o.keySet().stream().filter(k -> OPTIONS.contains(k) && !FLUX_OPTIONS.contains(k))
                    .forEach(k -> problems.add("options." + k, "the Flux model does not accept this option"));
        }
        for (String objectOption : List.of("style_detail", "character", "control_net", "facelock")) {
            if (o.containsKey(objectOption) && !(o.get(objectOption) instanceof Map)) {
                problems.add("options." + objectOption, "must be a JSON object");
            }
        }
        if (o.containsKey("loras") && !(o.get("loras") instanceof List)) {
            problems.add("options.loras", "must be an array of {\"name\", \"weight\"}");
        }
    }

    @Override
    public String modelOf(GenerationRequest request) {
        Object style = request.options().get("style_detail");
        if (style instanceof java.util.Map<?, ?> detail && detail.get("name") != null) {
            return "style:" + detail.get("name");
        }
        Object model = model(request);
        return String.valueOf(model == null ? defaultModel : model);
    }

    /** The request's model: its top-level {@code model}, else {@code options.model} (the same field of RenderNet's). */
    private static Object model(GenerationRequest request) {
        return request.model() != null ? request.model() : request.options().get("model");
    }

    @Override
    public ProviderCall createCall(Job job) {
        GenerationRequest r = job.getRequest();
        Map<String, Object> generation = new LinkedHashMap<>();
        Map<String, Object> prompt = new LinkedHashMap<>();
        prompt.put("positive", r.prompt());
        if (r.negativePrompt() != null) {
            prompt.put("negative", r.negativePrompt());
        }
        generation.put("prompt", prompt);
        generation.put("aspect_ratio", r.aspectRatio() == null ? "1:1" : r.aspectRatio());
        generation.put("batch_size", r.count() == null ? 1 : r.count());
        if (r.seed() != null) {
            generation.put("seed", r.seed());
        }
        generation.putAll(r.options());
        if (r.model() != null) {
            generation.put("model", r.model());
        }
        boolean hasGenerationType = model(r) != null || r.options().containsKey("style_detail")
                || r.options().containsKey("style");
        if (!hasGenerationType) {
            generation.put("model", defaultModel);
        }
        return new ProviderCall(NAME, "POST", settings.baseUrl() + "/pub/v1/generations",
                ProviderJson.write(List.of(generation)), true, job.getKey());
    }

    @Override
    public CreateResult readCreate(HttpReply reply) {
        JsonNode body = ProviderJson.read(reply);
        if (reply.isSuccess()) {
            String id = ProviderJson.text(body.path("data"), "generation_id");
            return id != null ? CreateResult.created(id)
                    : CreateResult.unconfirmed("RenderNet accepted the create but its answer had no generation_id: "
                    + reply.bodyExcerpt());
        }
        return CreateResult.ofError("RenderNet", reply, errorMessage(body));
    }

    @Override
    public ProviderCall statusCall(Job job) {
        return new ProviderCall(NAME, "GET", settings.baseUrl() + "/pub/v1/generations/" + ProviderJson.encode(job.getProviderJobId()),
                null, true, null);
    }

    @Override
    public StatusResult readStatus(HttpReply reply) {
        JsonNode body = ProviderJson.read(reply);
        if (!reply.isSuccess()) {
            return StatusResult.ofError("RenderNet", reply, errorMessage(body));
        }
        JsonNode media = body.path("data").path("media");
        if (!media.isArray() || media.isEmpty()) {
            return StatusResult.retryLater(null, "RenderNet answered without media items: " + reply.bodyExcerpt());
        }
        List<String> urls = new ArrayList<>();
        boolean allInitiated = true;
        for (JsonNode item : media) {
            String status = item.path("status").asText("");
            if (!TERMINAL.contains(status)) {
                // initiated, pending, processing, anything new: the generation is still running
                return allInitiated && status.equals("initiated") && isAll(media, "initiated")
                        ? StatusResult.queued() : StatusResult.running();
            }
            allInitiated = false;
            String url = ProviderJson.text(item, "url");
            if (status.equals("success") && url != null && !url.isBlank()) {
                urls.add(url);
            }
        }
        return urls.isEmpty() ? StatusResult.allMediaFailed() : StatusResult.succeeded(urls);
    }

    private static boolean isAll(JsonNode media, String status) {
        for (JsonNode item : media) {
            if (!status.equals(item.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** The deprecated status endpoint: the only one that tells "censored" apart from "failed". */
    public ProviderCall censorCheckCall(Job job) {
        return new ProviderCall(NAME, "GET", settings.baseUrl() + "/pub/v1/generations/"
                + ProviderJson.encode(job.getProviderJobId()) + "/status", null, true, null);
    }

    public StatusResult readCensorCheck(HttpReply reply) {
        if (!reply.isSuccess()) {
            // the endpoint is deprecating; without it the job is still failed, only less precisely
            return StatusResult.failed("RenderNet reported every image as failed", false);
        }
        for (JsonNode item : ProviderJson.read(reply).path("data")) {
            if ("censored".equals(item.path("status").asText())) {
                return StatusResult.censored("RenderNet censored the generation");
            }
        }
        return StatusResult.failed("RenderNet reported every image as failed", false);
    }

    /** The first page of the generation list (RenderNet cannot be searched by our key), or null when turned off. */
    @Override
    public ProviderCall findCall(Job job) {
        if (!reconcileByList) {
            return null;
        }
        return new ProviderCall(NAME, "GET", settings.baseUrl() + "/pub/v1/generations?page=1&page_size="
                + LIST_PAGE_SIZE, null, true, null);
    }

    /** The listed generations with their creation times; which one (if any) is the job's is the job store's call. */
    @Override
    public FindResult readFind(Job job, HttpReply reply) {
        if (reply.isTransient()) {
            return FindResult.retryLater(ProviderJson.httpReason("RenderNet", reply, null));
        }
        JsonNode body = ProviderJson.read(reply);
        JsonNode data = body.path("data");
        if (!reply.isSuccess() || !data.isArray()) {
            return FindResult.unknown("could not list RenderNet's generations: "
                    + ProviderJson.httpReason("RenderNet", reply, errorMessage(body)));
        }
        List<FindResult.Listed> listed = new ArrayList<>();
        for (JsonNode generation : data) {
            String id = ProviderJson.text(generation, "generation_id");
            JsonNode created = generation.path("created_at");
            if (id == null || !created.canConvertToLong()) {
                return FindResult.unknown("RenderNet's generation list holds an entry without generation_id or"
                        + " created_at: " + reply.bodyExcerpt());
            }
            listed.add(new FindResult.Listed(id, created.asLong() * 1000));
        }
        JsonNode total = body.path("pagination").path("total");
        return FindResult.listed(listed, total.canConvertToLong() && total.asLong() <= listed.size());
    }

    @Override
    public ProviderCall downloadCall(Job job, String url) {
        return settings.call("GET", url, null);
    }

    @Override
    public ProviderCall redirectCall(String method, String url, String body) {
        return settings.call(method, url, body);
    }

    /** {@code DELETE /pub/v1/generations/{id}} (a cancel). */
    @Override
    public ProviderCall deleteCall(Job job) {
        return new ProviderCall(NAME, "DELETE", settings.baseUrl() + "/pub/v1/generations/"
                + ProviderJson.encode(job.getProviderJobId()), null, true, null);
    }

    /** The envelope's error object: {"err": {"code", "message"}}, or "error" on the estimate endpoint. */
    static String errorMessage(JsonNode body) {
        for (String field : List.of("err", "error")) {
            JsonNode err = body.path(field);
            if (err.hasNonNull("message")) {
                String code = ProviderJson.text(err, "code");
                return (code == null ? "" : code + " ") + err.get("message").asText();
            }
        }
        return null;
    }

}
