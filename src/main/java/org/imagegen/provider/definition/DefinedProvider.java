package org.imagegen.provider.definition;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.imagegen.job.Job;
import org.imagegen.provider.CreateResult;
import org.imagegen.provider.DownloadHosts;
import org.imagegen.provider.FindResult;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ImageProvider;
import org.imagegen.provider.ProviderCall;
import org.imagegen.provider.StatusResult;
import org.imagegen.request.GenerationRequest;
import org.imagegen.request.Problems;

import static org.imagegen.provider.definition.DefinitionValues.blank;
import static org.imagegen.provider.definition.DefinitionValues.encode;
import static org.imagegen.provider.definition.DefinitionValues.list;
import static org.imagegen.provider.definition.DefinitionValues.method;
import static org.imagegen.provider.definition.DefinitionValues.number;
import static org.imagegen.provider.definition.DefinitionValues.required;
import static org.imagegen.provider.definition.DefinitionValues.statuses;

/**
 * A provider declared by a {@link ProviderDefinition} instead of written in Java: builds its calls and reads its
 * answers with the definition's paths and jq expressions, compiled once here, so a broken definition stops the
 * bundle at start with the property named rather than failing a job later. The HTTP itself is the generic route
 * {@code defined-provider-http} (routes/providers/defined-provider.camel.yaml).
 */
public class DefinedProvider implements ImageProvider {

    /** A provider's name is a job column (32 characters) and part of file names: lower case, digits and dashes. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> STATES = Set.of("queued", "running", "succeeded", "failed", "censored", "unknown");

    private final String name;
    private final ProviderDefinition definition;
    private final String baseUrl;
    private final URI base;
    private final List<String> apiHosts;
    private final List<String> aspectRatios;
    private final List<String> options;
    private final Integer maxCount;
    private final Integer maxPrompt;
    private final Set<Integer> retryStatuses;
    private final Set<Integer> unconfirmedStatuses;
    private final Jq createBody;
    private final Jq createId;
    private final Jq createStatusUrl;
    private final CreateAnswers create;
    private final Jq errorMessage;
    private final Jq statusOutcome;
    private final Jq findBody;
    private final Jq findId;
    private final DefinedWebhook webhook;

    public DefinedProvider(String name, ProviderDefinition d) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("provider definition '" + name + "': the name must be 1 to 32 lower-case"
                    + " letters, digits or dashes, starting with a letter");
        }
        this.name = name;
        this.definition = d;
        try {
            String url = required(d.getBaseUrl(), "baseUrl");
            this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            this.base = URI.create(baseUrl);
            if (base.getHost() == null || !Set.of("http", "https").contains(String.valueOf(base.getScheme()))) {
                throw new IllegalArgumentException("baseUrl: '" + url + "' is not an http(s) URL with a host");
            }
            apiHosts = list(d.getApiHosts()).stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
            aspectRatios = list(d.getAspectRatios());
            options = list(d.getOptions());
            maxCount = number(d.getMaxCount(), "maxCount");
            maxPrompt = number(d.getMaxPrompt(), "maxPrompt");
            retryStatuses = statuses(d.getCreateRetryStatuses(), "429,503", "createRetryStatuses");
            unconfirmedStatuses = statuses(d.getCreateUnconfirmedStatuses(), "500,502,504", "createUnconfirmedStatuses");
            required(d.getCreatePath(), "createPath");
            createBody = Jq.compile("createBody", d.getCreateBody());
            if (createBody == null && Set.of("POST", "PUT", "PATCH").contains(createMethod())) {
                throw new IllegalArgumentException("createBody: required for a " + createMethod() + " create");
            }
            create = new CreateAnswers(d);
            // a synchronous API answers with the result: it may name no generation and have no status check at all
            createId = Jq.compile("createId", create.synchronous() ? d.getCreateId() : required(d.getCreateId(), "createId"));
            createStatusUrl = Jq.compile("createStatusUrl", d.getCreateStatusUrl());
            errorMessage = Jq.compile("errorMessage", d.getErrorMessage());
            statusOutcome = Jq.compile("statusOutcome", create.synchronous() ? d.getStatusOutcome()
                    : required(d.getStatusOutcome(), "statusOutcome"));
            if (createStatusUrl == null && statusOutcome != null) {
                required(d.getStatusPath(), "statusPath");
            }
            findBody = Jq.compile("findBody", d.getFindBody());
            findId = blank(d.getFindPath()) ? null : Jq.compile("findId", required(d.getFindId(), "findId"));
            webhook = DefinedWebhook.of(name, d, path -> new ProviderCall(name, "GET", url(path), null,
                    mayCarryKey(url(path)), null));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("provider definition '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    public ProviderDefinition definition() {
        return definition;
    }

    /** The provider's webhooks (routes/webhooks.camel.yaml), or null when the definition does not turn them on. */
    public DefinedWebhook webhook() {
        return webhook;
    }

    /** The receiver's URL handed to the provider at create (jq {@code .webhookUrl}); null when webhooks are off. */
    public String webhookUrl() {
        return webhook == null ? null : webhook.url();
    }

    public DownloadHosts downloadHosts() {
        return new DownloadHosts(baseUrl, list(definition.getDownloadHosts()));
    }

    /** The header that carries the key, or null when the provider wants none. */
    public String authHeader() {
        String header = definition.getAuthHeader();
        return header == null ? "Authorization" : blank(header) ? null : header.strip();
    }

    /** The header's value: the key in the definition's format. */
    public String authValue() {
        String format = blank(definition.getAuthFormat()) ? "Bearer %s" : definition.getAuthFormat();
        return format.replace("%s", definition.getApiKey() == null ? "" : definition.getApiKey().strip());
    }

    // --- requests -----------------------------------------------------------------------------------------------

    @Override
    public void validate(GenerationRequest r, Problems problems) {
        if (maxPrompt != null && r.prompt() != null && r.prompt().length() > maxPrompt) {
            problems.add("prompt", "is " + r.prompt().length() + " characters; " + name + " accepts at most " + maxPrompt);
        }
        if (r.aspectRatio() != null && !aspectRatios.isEmpty() && !aspectRatios.contains(r.aspectRatio())) {
            problems.add("aspectRatio", "'" + r.aspectRatio() + "' is not an aspect ratio of " + name
                    + "; expected one of " + aspectRatios);
        }
        if (r.count() != null && maxCount != null && r.count() > maxCount) {
            problems.add("count", "must be from 1 to " + maxCount + " for " + name);
        }
        for (String option : r.options().keySet()) {
            if (!options.contains(option)) {
                problems.add("options." + option, options.isEmpty() ? "is not accepted: " + name + " takes no options"
                        : "is not an option of " + name + "; expected one of " + options);
            }
        }
    }

    /** The request's {@code model}, else its {@code options.model} when model is an option, else the definition's. */
    @Override
    public String modelOf(GenerationRequest request) {
        if (request.model() != null && !request.model().isBlank()) {
            return request.model();
        }
        Object chosen = options.contains("model") ? request.options().get("model") : null;
        return chosen instanceof String s && !s.isBlank() ? s : definition.getModel() == null ? "" : definition.getModel();
    }

    /** The unit of the costs this provider reports ({@code costUnit}), or null. */
    @Override
    public String costUnit() {
        return blank(definition.getCostUnit()) ? null : definition.getCostUnit().strip();
    }

    /** What every jq expression of a create or search sees: our request, with the model it resolves to. */
    public ObjectNode input(Job job) {
        GenerationRequest r = job.getRequest();
        ObjectNode input = JSON.createObjectNode();
        input.put("id", job.getKey());
        input.put("prompt", r.prompt());
        input.put("negativePrompt", r.negativePrompt());
        input.put("aspectRatio", r.aspectRatio());
        input.put("count", r.count());
        input.put("seed", r.seed());
        input.set("options", JSON.valueToTree(r.options()));
        input.put("model", modelOf(r));
        input.put("webhookUrl", webhookUrl());
        return input;
    }

    // --- calls and answers ----------------------------------------------------------------------------------------

    @Override
    public ProviderCall createCall(Job job) {
        String path = definition.getCreatePath().strip().replace("${model}", modelOf(job.getRequest()))
                .replace("${webhookUrl}", encode(webhookUrl()));
        String body = createBody == null ? null : write(createBody.first(input(job)));
        return new ProviderCall(name, createMethod(), url(path), body, mayCarryKey(url(path)), job.getKey());
    }

    @Override
    public CreateResult readCreate(HttpReply reply) {
        if (!reply.isSuccess()) {
            String reason = reason(reply);
            if (retryStatuses.contains(reply.status())) {
                return CreateResult.retryLater(reply.retryAfterDuration(System.currentTimeMillis()), reason);
            }
            if (unconfirmedStatuses.contains(reply.status())) {
                return CreateResult.unconfirmed(reason);
            }
            return create.censored(read(reply), reply.status())
                    ? CreateResult.finished(null, StatusResult.censored(message(reply))) : CreateResult.refused(reason);
        }
        JsonNode answer = read(reply);
        try {
            Double cost = create.cost(answer, reply.status());
            String id = createStatusUrl != null ? createStatusUrl.text(answer)
                    : createId == null ? null : createId.text(answer);
            JsonNode outcome = create.outcome(answer, reply.status());
            StatusResult finished = outcome == null ? null : OutcomeObject.finished(name, outcome);
            if (finished != null) {
                // the outcome's own cost, when it reports one, is the later word on the same answer
                return CreateResult.finished(id, finished).withCost(finished.cost() != null ? finished.cost() : cost);
            }
            if (statusOutcome == null) {
                return CreateResult.unconfirmed(name + " answered HTTP " + reply.status() + " without a finished outcome"
                        + " (createOutcome gave state '" + OutcomeObject.state(outcome) + "') and declares no status"
                        + " check: " + reply.bodyExcerpt());
            }
            if (id == null) {
                return CreateResult.unconfirmed(name + " answered HTTP " + reply.status() + " without "
                        + (createStatusUrl != null ? "a status URL (createStatusUrl)" : createId != null ? "an id (createId)"
                        : "a finished outcome (createOutcome)") + ": " + reply.bodyExcerpt());
            }
            return CreateResult.created(id).withCost(cost);
        } catch (IllegalStateException e) {
            return CreateResult.unconfirmed(name + ": " + e.getMessage());
        }
    }

    /**
     * {@code statusPath} with the generation's id, or, when the provider returned a status URL at create, that URL as
     * returned (it is what the job recorded as the provider's id); the key goes along only to the provider's hosts.
     */
    @Override
    public ProviderCall statusCall(Job job) {
        if (statusOutcome == null) {
            throw new IllegalStateException(name + " declares no status check (statusPath, statusOutcome)");
        }
        String url = createStatusUrl != null ? job.getProviderJobId()
                : url(definition.getStatusPath().strip().replace("${id}", encode(job.getProviderJobId())));
        return new ProviderCall(name, method(definition.getStatusMethod(), "GET"), url, null, mayCarryKey(url), null);
    }

    @Override
    public StatusResult readStatus(HttpReply reply) {
        if (!reply.isSuccess()) {
            return StatusResult.ofError(name, reply, message(reply));
        }
        JsonNode outcome;
        try {
            outcome = statusOutcome.first(read(reply));
        } catch (IllegalStateException e) {
            return StatusResult.retryLater(null, name + ": " + e.getMessage());
        }
        String state = outcome.path("state").asText("").toLowerCase(Locale.ROOT);
        String reason = outcome.path("reason").isValueNode() && !outcome.path("reason").isNull()
                ? outcome.path("reason").asText() : null;
        StatusResult result = switch (state) {
            case "queued" -> StatusResult.queued();
            case "running" -> StatusResult.running();
            case "succeeded" -> {
                List<String> images = new ArrayList<>();
                outcome.path("images").forEach(i -> {
                    if (i.isTextual() && !i.asText().isBlank()) {
                        images.add(i.asText());
                    }
                });
                yield images.isEmpty() ? StatusResult.failed(name + " reported success without an image URL", false)
                        : StatusResult.succeeded(images);
            }
            case "failed" -> StatusResult.failed(reason != null ? reason : name + " reported the generation failed", false);
            case "censored" -> StatusResult.censored(reason != null ? reason : name + " refused the content");
            default -> StatusResult.retryLater(null, name + ": the status answer gave "
                    + (STATES.contains(state) ? "state 'unknown'" : outcome.isObject() ? "no known state " + STATES
                    : "no outcome object") + " (statusOutcome); " + reply.bodyExcerpt());
        };
        // the provider's cost so far, at any state: the last one reported is the job's
        return result.withCost(OutcomeObject.cost(outcome.path("cost")));
    }

    @Override
    public ProviderCall findCall(Job job) {
        if (findId == null) {
            return null;
        }
        String url = url(definition.getFindPath().strip().replace("${key}", encode(job.getKey())));
        String body = findBody == null ? null : write(findBody.first(input(job)));
        return new ProviderCall(name, method(definition.getFindMethod(), "GET"), url, body, mayCarryKey(url), null);
    }

    @Override
    public FindResult readFind(Job job, HttpReply reply) {
        if (!reply.isSuccess()) {
            String reason = name + " answered HTTP " + reply.status() + " to a search: " + message(reply);
            return reply.isTransient() ? FindResult.retryLater(reason) : FindResult.unknown(reason);
        }
        try {
            String id = findId.text(read(reply));
            return id == null ? FindResult.notFound() : FindResult.found(id);
        } catch (IllegalStateException e) {
            return FindResult.unknown(name + ": " + e.getMessage());
        }
    }

    /** Images usually come from another host (a CDN): the key goes along only to the provider's own. */
    @Override
    public ProviderCall downloadCall(Job job, String url) {
        return new ProviderCall(name, "GET", url, null, mayCarryKey(url), null);
    }

    @Override
    public ProviderCall redirectCall(String method, String url, String body) {
        return new ProviderCall(name, method, url, body, mayCarryKey(url), null);
    }

    @Override
    public ProviderCall deleteCall(Job job) {
        if (blank(definition.getCancelPath())) {
            return null;
        }
        String url = url(definition.getCancelPath().strip().replace("${id}", encode(job.getProviderJobId())));
        return new ProviderCall(name, method(definition.getCancelMethod(), "POST"), url, null, mayCarryKey(url), null);
    }

    /** The key goes to the base URL's origin (scheme, host, port) and the declared apiHosts, nowhere else. */
    boolean mayCarryKey(String url) {
        if (authHeader() == null) {
            return false;
        }
        try {
            URI target = URI.create(url);
            String host = target.getHost() == null ? "" : target.getHost().toLowerCase(Locale.ROOT);
            boolean ownOrigin = base.getScheme().equalsIgnoreCase(target.getScheme())
                    && base.getHost().equalsIgnoreCase(host) && base.getPort() == target.getPort();
            return ownOrigin || "https".equalsIgnoreCase(target.getScheme()) && apiHosts.contains(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // --- helpers ----------------------------------------------------------------------------------------------------

    private String createMethod() {
        return method(definition.getCreateMethod(), "POST");
    }

    private String url(String path) {
        return path.startsWith("http://") || path.startsWith("https://") ? path
                : baseUrl + (path.startsWith("/") ? path : "/" + path);
    }

    private String reason(HttpReply reply) {
        return name + " answered HTTP " + reply.status() + ": " + message(reply);
    }

    /** The error answer's message by the definition's errorMessage, else the body's first characters. */
    private String message(HttpReply reply) {
        if (errorMessage != null) {
            try {
                String message = errorMessage.text(read(reply));
                if (message != null) {
                    return message;
                }
            } catch (IllegalStateException e) {
                // an error body the expression does not fit: quote the body instead
            }
        }
        return reply.bodyExcerpt();
    }

    private static JsonNode read(HttpReply reply) {
        if (reply.body() == null || reply.body().isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = JSON.readTree(reply.body());
            return node == null ? MissingNode.getInstance() : node;
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    private static String write(JsonNode body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a provider request", e);
        }
    }

    /** For logs: never the key. */
    @Override
    public String toString() {
        return "DefinedProvider[" + name + ", " + baseUrl + "]";
    }
}
