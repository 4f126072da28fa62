package org.imagegen.provider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.job.Job;
import org.imagegen.request.GenerationRequest;
import org.imagegen.request.Problems;

/**
 * all-images.ai ({@code docs/providers/all-images.md}): {@code api-key} header, NestJS error bodies, status
 * 0 Create, 1 Pending, 2 Processing, 3 Done, 4 Error (any other value: still running), four images per
 * generation. Every generation is tagged with the job key, in {@code tags} and {@code metaData}, so a create whose
 * answer was lost can be found again instead of being paid twice.
 */
public class AllImagesProvider implements ImageProvider {

    public static final String NAME = "all-images";
    public static final int MAX_PROMPT = 4096;
    public static final int MAX_ADDITIONAL_PROMPT = 1024;
    public static final int IMAGES_PER_GENERATION = 4;
    static final List<String> FORMATS = List.of("1:1", "3:2", "2:3", "4:7", "7:4", "5:4", "4:5", "16:9", "9:16");
    static final Set<String> PARAM_NAMES = Set.of("format", "templatePrompt", "weather", "time", "camera", "chaos",
            "stylize", "interdiction", "fromImageUrl", "sujetMode", "angle", "photographe", "version");
    static final List<String> OPTIONS = List.of("params", "processMode", "mode", "additionalPrompt", "optimizePrompt");
    /** A Midjourney-style "--param" is only allowed in advanced mode. */
    private static final Pattern DASH_PARAMETER = Pattern.compile("(^|\\s)--[A-Za-z]");
    /** Known defect: some payloads say "https://api.all-images.aiv1/..." (missing slash). */
    private static final Pattern MISSING_SLASH = Pattern.compile("\\.aiv1/");

    private final ProviderSettings settings;
    /** Sent only when set: all-images documents processMode as "only for Dedicated user". */
    private final String defaultProcessMode;
    private final AllImagesImages images;

    public AllImagesProvider(ProviderSettings settings, String defaultProcessMode) {
        this(settings, defaultProcessMode, "full", "full");
    }

    /**
     * {@code defaultProcessMode}: relax or fast for requests whose options name none, blank to send none;
     * {@code images} and {@code buySize}: how finished images are got (see {@link AllImagesImages}).
     */
    public AllImagesProvider(ProviderSettings settings, String defaultProcessMode, String images, String buySize) {
        this.settings = settings;
        this.defaultProcessMode = defaultProcessMode == null ? "" : defaultProcessMode.strip();
        this.images = new AllImagesImages(images, buySize, settings.baseUrl());
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
            problems.add("prompt", "is " + r.prompt().length() + " characters; all-images.ai accepts at most " + MAX_PROMPT);
        }
        if (r.aspectRatio() != null && !FORMATS.contains(r.aspectRatio())) {
            problems.add("aspectRatio", "'" + r.aspectRatio() + "' is not an all-images.ai format; expected one of " + FORMATS);
        }
        if (r.count() != null && r.count() != IMAGES_PER_GENERATION) {
            problems.add("count", "all-images.ai always makes " + IMAGES_PER_GENERATION + " images; leave count out or set it to 4");
        }
        if (r.seed() != null) {
            problems.add("seed", "all-images.ai has no seed; leave it out");
        }
        if (r.model() != null) {
            problems.add("model", "all-images.ai has no model to choose; leave it out (its speed is options.processMode)");
        }
        Map<String, Object> o = r.options();
        for (String name : o.keySet()) {
            if (!OPTIONS.contains(name)) {
                problems.add("options." + name, "is not an all-images.ai option; expected one of " + OPTIONS);
            }
        }
        Object mode = o.get("mode");
        if (mode != null && !List.of("simple", "advanced").contains(mode)) {
            problems.add("options.mode", "must be 'simple' or 'advanced'");
        }
        if (!"advanced".equals(mode) && DASH_PARAMETER.matcher(r.prompt()).find()) {
            problems.add("prompt", "carries '--' parameters, which all-images.ai only accepts with options.mode 'advanced'");
        }
        Object processMode = o.get("processMode");
        if (processMode != null && !List.of("relax", "fast").contains(processMode)) {
            problems.add("options.processMode", "must be 'relax' or 'fast'");
        }
        Object additional = o.get("additionalPrompt");
        if (additional != null && (!(additional instanceof String s) || s.length() > MAX_ADDITIONAL_PROMPT)) {
            problems.add("options.additionalPrompt", "must be a string of at most " + MAX_ADDITIONAL_PROMPT + " characters");
        }
        Object optimize = o.get("optimizePrompt");
        if (optimize != null && !(optimize instanceof Boolean)) {
            problems.add("options.optimizePrompt", "must be true or false");
        }
        if (o.containsKey("params")) {
            validateParams(o.get("params"), problems);
        }
    }

    private static void validateParams(Object params, Problems problems) {
        Map<String, String> named = paramsAsMap(params);
        if (named == null) {
            problems.add("options.params", "must be an object {name: value} or an array of {\"name\", \"value\"}");
            return;
        }
        named.forEach((name, value) -> {
            String field = "options.params." + name;
            if (!PARAM_NAMES.contains(name)) {
                problems.add(field, "is not an all-images.ai parameter; expected one of " + PARAM_NAMES);
            } else if (name.equals("format") && !FORMATS.contains(value)) {
                problems.add(field, "'" + value + "' is not a format; expected one of " + FORMATS);
            } else if (name.equals("chaos") && !inRange(value, 0, 100)) {
                problems.add(field, "must be a whole number from 0 to 100");
            } else if (name.equals("stylize") && !inRange(value, 0, 1000)) {
                problems.add(field, "must be a whole number from 0 to 1000");
            } else if (name.equals("templatePrompt") && !List.of("realisticQuality", "realisticManuel").contains(value)) {
                problems.add(field, "must be 'realisticQuality' or 'realisticManuel'");
            }
        });
    }

    private static boolean inRange(String value, int min, int max) {
        if (value == null || !value.matches("\\d{1,4}")) {
            return false;
        }
        int v = Integer.parseInt(value);
        return v >= min && v <= max;
    }

    /** Accepts both {"format": "3:2"} and [{"name": "format", "value": "3:2"}]; null when neither. */
    @SuppressWarnings("unchecked")
    static Map<String, String> paramsAsMap(Object params) {
        Map<String, String> named = new LinkedHashMap<>();
        if (params instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getValue() instanceof Map || e.getValue() instanceof List) {
                    return null;
                }
                named.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
            }
            return named;
        }
        if (params instanceof List<?> list) {
            for (Object element : list) {
                if (!(element instanceof Map<?, ?> pair) || !(pair.get("name") instanceof String name)
                        || pair.get("value") == null || pair.get("value") instanceof Map) {
                    return null;
                }
                named.put(name, String.valueOf(pair.get("value")));
            }
            return named;
        }
        return null;
    }

    /** relax and fast generations take very different times; the service's default is fast. */
    @Override
    public String modelOf(GenerationRequest request) {
        String mode = processMode(request);
        return mode == null ? "fast" : mode;
    }

    /** The request's processMode, else the configured one, else null (none is sent). */
    private String processMode(GenerationRequest request) {
        Object requested = request.options().get("processMode");
        if (requested != null) {
            return String.valueOf(requested);
        }
        return defaultProcessMode.isEmpty() ? null : defaultProcessMode;
    }

    @Override
    public ProviderCall createCall(Job job) {
        GenerationRequest r = job.getRequest();
        Map<String, Object> o = r.options();
        Map<String, String> params = o.containsKey("params") ? paramsAsMap(o.get("params")) : new LinkedHashMap<>();
        if (r.aspectRatio() != null) {
            params.put("format", r.aspectRatio());
        }
        if (r.negativePrompt() != null && !r.negativePrompt().isBlank()) {
            params.put("interdiction", r.negativePrompt());
        }
        List<Map<String, String>> paramList = new ArrayList<>();
        params.forEach((name, value) -> {
            Map<String, String> param = new LinkedHashMap<>();
            param.put("name", name);
            param.put("value", value);
            paramList.add(param);
        });

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "imagegen " + job.getKey());
        body.put("mode", o.getOrDefault("mode", "simple"));
        body.put("prompt", r.prompt());
        if (o.containsKey("additionalPrompt")) {
            body.put("additionalPrompt", o.get("additionalPrompt"));
        }
        if (o.containsKey("optimizePrompt")) {
            body.put("optimizePrompt", o.get("optimizePrompt"));
        }
        body.put("params", paramList);
        String processMode = processMode(r);
        if (processMode != null) {
            body.put("processMode", processMode);
        }
        body.put("tags", List.of(tag(job.getKey())));
        body.put("metaData", Map.of("jobKey", job.getKey()));
        return new ProviderCall(NAME, "POST", settings.baseUrl() + "/image-generations", ProviderJson.write(body),
                true, job.getKey());
    }

    /** The tag that finds a job's generation again; a tag is a plain word, so the key is prefixed, not quoted. */
    static String tag(String jobKey) {
        return "imagegen-" + jobKey;
    }

    @Override
    public CreateResult readCreate(HttpReply reply) {
        JsonNode body = ProviderJson.read(reply);
        if (reply.isSuccess()) {
            String id = ProviderJson.text(body, "id");
            return id != null ? CreateResult.created(id)
                    : CreateResult.unconfirmed("all-images.ai accepted the create but its answer had no id: "
                    + reply.bodyExcerpt());
        }
        return CreateResult.ofError("all-images.ai", reply, errorMessage(body));
    }

    @Override
    public ProviderCall statusCall(Job job) {
        return new ProviderCall(NAME, "GET", settings.baseUrl() + "/image-generations/" + ProviderJson.encode(job.getProviderJobId()),
                null, true, null);
    }

    @Override
    public StatusResult readStatus(HttpReply reply) {
        JsonNode body = ProviderJson.read(reply);
        if (!reply.isSuccess()) {
            return StatusResult.ofError("all-images.ai", reply, errorMessage(body));
        }
        JsonNode status = body.path("status");
        if (!status.isInt()) {
            return StatusResult.retryLater(null, "all-images.ai answered without a readable status: " + reply.bodyExcerpt());
        }
        return switch (status.asInt()) {
            case 0, 1 -> StatusResult.queued();
            case 3 -> finished(body);
            case 4 -> StatusResult.failed("all-images.ai reported the generation as failed (status 4)", true);
            default -> StatusResult.running(); // 2 Processing, and 5 or anything new: still running until the deadline
        };
    }

    private StatusResult finished(JsonNode body) {
        List<String> urls = new ArrayList<>();
        for (JsonNode image : body.path("images")) {
            String url = images.resultUrl(image);
            if (url != null && !url.isBlank()) {
                urls.add(repairUrl(url));
            }
        }
        return urls.isEmpty() ? StatusResult.failed("all-images.ai reported done (status 3) without any image", false)
                : StatusResult.succeeded(urls);
    }

    static String repairUrl(String url) {
        return MISSING_SLASH.matcher(url).replaceFirst(".ai/v1/");
    }

    @Override
    public ProviderCall findCall(Job job) {
        return new ProviderCall(NAME, "GET", settings.baseUrl() + "/image-generations?limit=10&tag="
                + ProviderJson.encode(tag(job.getKey())), null, true, null);
    }

    @Override
    public FindResult readFind(Job job, HttpReply reply) {
        if (reply.isTransient()) {
            return FindResult.retryLater(ProviderJson.httpReason("all-images.ai", reply, null));
        }
        JsonNode body = ProviderJson.read(reply);
        if (!reply.isSuccess() || !body.path("prints").isArray()) {
            return FindResult.unknown("could not search all-images.ai for the generation: "
                    + ProviderJson.httpReason("all-images.ai", reply, errorMessage(body)));
        }
        for (JsonNode print : body.path("prints")) {
            boolean ours = job.getKey().equals(print.path("metaData").path("jobKey").asText(null));
            for (JsonNode tag : print.path("tags")) {
                ours |= tag(job.getKey()).equals(tag.asText());
            }
            if (ours && ProviderJson.text(print, "id") != null) {
                return FindResult.found(ProviderJson.text(print, "id"));
            }
        }
        return FindResult.notFound();
    }

    @Override
    public ProviderCall retryCall(Job job) {
        return new ProviderCall(NAME, "POST", settings.baseUrl() + "/image-generations/retry/"
                + ProviderJson.encode(job.getProviderJobId()), null, true, null);
    }

    @Override
    public ProviderCall updateBeforeRetryCall(Job job) {
        if (settings.updateBeforeRetry() == null || settings.updateBeforeRetry().isBlank()) {
            return null;
        }
        return new ProviderCall(NAME, "PUT", settings.baseUrl() + "/image-generations/" + ProviderJson.encode(job.getProviderJobId()),
                settings.updateBeforeRetry(), true, null);
    }

    @Override
    public int maxProviderRetries() {
        return settings.maxProviderRetries();
    }

    @Override
    public ProviderCall downloadCall(Job job, String url) {
        return images.downloadCall(url, settings.isOwnOrigin(url));
    }

    @Override
    public ProviderCall acquireCall(Job job, String url) {
        return images.acquireCall(url);
    }

    @Override
    public String readAcquired(Job job, int number, HttpReply reply) {
        return images.readAcquired(number, reply);
    }

    @Override
    public String acquisition(String url) {
        return images.acquisition(url);
    }

    @Override
    public String downloadRefusal(int status, int number) {
        return images.refusal(status, number);
    }

    @Override
    public ProviderCall redirectCall(String method, String url, String body) {
        return settings.call(method, url, body);
    }

    // ---- HTTP API, health and webhooks -----------------------------------------------------------

    /** {@code DELETE /image-generations} with {@code printIds}: answered 200 even for unknown ids. */
    @Override
    public ProviderCall deleteCall(Job job) {
        return new ProviderCall(NAME, "DELETE", settings.baseUrl() + "/image-generations",
                ProviderJson.write(Map.of("printIds", List.of(job.getProviderJobId()))), true, null);
    }

    /** {@code GET /api-keys/check}: a cheap call that tells whether the key is accepted (the readiness probe). */
    public ProviderCall keyCheckCall() {
        return new ProviderCall(NAME, "GET", settings.baseUrl() + "/api-keys/check", null, true, null);
    }

    /** Registers a webhook for the key: completed and failed generations are posted to {@code url}. */
    public ProviderCall subscribeWebhookCall(String url) {
        return new ProviderCall(NAME, "POST", settings.baseUrl() + "/api-keys/webhook/subscribe",
                ProviderJson.write(Map.of("url", url, "events", List.of("print.completed", "print.failed"))), true, null);
    }

    /** The webhook id from the subscribe answer (201 {"webhookId": ...}). */
    public String readWebhookId(HttpReply reply) {
        String id = reply.isSuccess() ? ProviderJson.text(ProviderJson.read(reply), "webhookId") : null;
        if (id == null) {
            throw new IllegalStateException("all-images.ai refused the webhook subscription: "
                    + ProviderJson.httpReason("all-images.ai", reply, errorMessage(ProviderJson.read(reply))));
        }
        return id;
    }

    public ProviderCall unsubscribeWebhookCall(String webhookId) {
        return new ProviderCall(NAME, "DELETE", settings.baseUrl() + "/api-keys/webhook/unsubscribe/"
                + ProviderJson.encode(webhookId), null, true, null);
    }

    /** The generation id a webhook delivery names ({"type": "print.completed", "data": {"id": ...}}), or null. */
    public static String webhookGenerationId(String body) {
        try {
            JsonNode node = ProviderJson.MAPPER.readTree(body == null ? "" : body);
            return node == null ? null : ProviderJson.text(node.path("data"), "id");
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** NestJS error bodies carry "message" as a string or as an array of strings. */
    static String errorMessage(JsonNode body) {
        JsonNode message = body.path("message");
        if (message.isTextual()) {
            return message.asText();
        }
        if (message.isArray() && !message.isEmpty()) {
            List<String> parts = new ArrayList<>();
            message.forEach(m -> parts.add(m.asText()));
            return String.join("; ", parts);
        }
        return null;
    }

}
