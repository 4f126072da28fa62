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

    private final String name;
    private final ProviderDefinition definition;
    private final String baseUrl;
    private final URI base;
    /** The key sent: the definition's, or {@code simulated} when a built-in simulator stands in for the provider. */
    private final String apiKey;
    /** Hosts a simulator serves its images from, allowed besides downloadHosts; empty unless simulated. */
    private final List<String> simulatorImageHosts;
    private final boolean simulated;
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
    private final Jq errorMessage;
    private final StatusReader status;
    private final Jq findBody;
    private final Jq findId;

    public DefinedProvider(String name, ProviderDefinition d) {
        this(name, d, null, List.of());
    }

    /**
     * A provider whose calls go to a built-in simulator at {@code simulatorUrl} (null: to the definition's baseUrl),
     * with the key {@code simulated}; the simulator's image hosts join the download hosts.
     */
    DefinedProvider(String name, ProviderDefinition d, String simulatorUrl, List<String> simulatorImageHosts) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("provider definition '" + name + "': the name must be 1 to 32 lower-case"
                    + " letters, digits or dashes, starting with a letter");
        }
        this.name = name;
        this.definition = d;
        try {
            // required even when simulated: the definition must work once a key is set
            String configured = required(d.getBaseUrl(), "baseUrl");
            String url = simulatorUrl != null ? simulatorUrl : configured;
            this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            this.base = URI.create(baseUrl);
            if (base.getHost() == null || !Set.of("http", "https").contains(String.valueOf(base.getScheme()))) {
                throw new IllegalArgumentException("baseUrl: '" + url + "' is not an http(s) URL with a host");
            }
            this.simulated = simulatorUrl != null;
            this.apiKey = simulated ? "simulated" : d.getApiKey();
            this.simulatorImageHosts = List.copyOf(simulatorImageHosts);
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
            createId = Jq.compile("createId", required(d.getCreateId(), "createId"));
            createStatusUrl = Jq.compile("createStatusUrl", d.getCreateStatusUrl());
            if (createStatusUrl == null) {
                required(d.getStatusPath(), "statusPath");
            }
            errorMessage = Jq.compile("errorMessage", d.getErrorMessage());
            status = new StatusReader(name, Jq.compile("statusOutcome", required(d.getStatusOutcome(), "statusOutcome")),
                    Jq.compile("resultOutcome", d.getResultOutcome()), this::message, this::mayCarryKey);
            findBody = Jq.compile("findBody", d.getFindBody());
            findId = blank(d.getFindPath()) ? null : Jq.compile("findId", required(d.getFindId(), "findId"));
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

    /** The base URL called: the definition's, or the simulator's when one stands in. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Whether a built-in simulator stands in for the provider (definition property simulator). */
    public boolean isSimulated() {
        return simulated;
    }

    public DownloadHosts downloadHosts() {
        List<String> hosts = new ArrayList<>(list(definition.getDownloadHosts()));
        hosts.addAll(simulatorImageHosts);
        return new DownloadHosts(baseUrl, hosts);
    }

    /** The header that carries the key, or null when the provider wants none. */
    public String authHeader() {
        String header = definition.getAuthHeader();
        return header == null ? "Authorization" : blank(header) ? null : header.strip();
    }

    /** The header's value: the key in the definition's format. */
    public String authValue() {
        String format = blank(definition.getAuthFormat()) ? "Bearer %s" : definition.getAuthFormat();
        return format.replace("%s", apiKey == null ? "" : apiKey.strip());
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

    @Override
    public String modelOf(GenerationRequest request) {
        Object chosen = request.options().get("model");
        return chosen instanceof String s && !s.isBlank() ? s : definition.getModel() == null ? "" : definition.getModel();
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
        return input;
    }

    // --- calls and answers ----------------------------------------------------------------------------------------

    @Override
    public ProviderCall createCall(Job job) {
        String path = definition.getCreatePath().strip().replace("${model}", modelOf(job.getRequest()));
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
            return unconfirmedStatuses.contains(reply.status()) ? CreateResult.unconfirmed(reason) : CreateResult.refused(reason);
        }
        JsonNode answer = Jq.body(reply);
        try {
            String id = createId.text(answer, Jq.answer(reply));
            if (createStatusUrl == null) {
                return id == null ? CreateResult.unconfirmed(StatusUrls.without(name, reply, "an id (createId)"))
                        : CreateResult.created(id);
            }
            return StatusUrls.created(name, id, createStatusUrl.text(answer, Jq.answer(reply)),
                    !blank(definition.getStatusPath()), reply);
        } catch (IllegalStateException e) {
            return CreateResult.unconfirmed(name + ": " + e.getMessage());
        }
    }

    /**
     * The status URL the provider returned at create, as returned; or {@code statusPath} with the generation's id.
     * The key goes along only to the provider's hosts.
     */
    @Override
    public ProviderCall statusCall(Job job) {
        String url = StatusUrls.of(job, createStatusUrl != null);
        if (url == null) {
            if (blank(definition.getStatusPath())) {
                // a generation found by findId after a lost create answer: its status URL was never seen
                throw new IllegalStateException(name + ": job " + job.getKey() + " has no status URL and the"
                        + " definition declares no statusPath to check generation " + job.getProviderJobId() + " at");
            }
            url = url(definition.getStatusPath().strip().replace("${id}", encode(job.getProviderJobId())));
        }
        return new ProviderCall(name, method(definition.getStatusMethod(), "GET"), url, null, mayCarryKey(url), null);
    }

    /** The normalised status; an outcome that asks to fetch the result is a failed check here (see {@link #checkStatus}). */
    @Override
    public StatusResult readStatus(HttpReply reply) {
        StatusCheck check = checkStatus(reply);
        return check.fetch() == null ? check.result() : StatusResult.retryLater(null, name
                + ": the status asks to fetch the result, which only the route defined-provider-check-status does");
    }

    /**
     * The status answer read by statusOutcome: the normalised status, or, for the outcome state {@code fetch}, the
     * GET of its {@code url} whose answer {@link #readResult} reads (routes/providers/defined-provider.camel.yaml).
     */
    public StatusCheck checkStatus(HttpReply reply) {
        return status.check(reply);
    }

    /** The answer to the GET a {@code fetch} outcome asked for, by resultOutcome. */
    public StatusResult readResult(HttpReply reply) {
        return status.readResult(reply);
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
            String id = findId.text(Jq.body(reply), Jq.answer(reply));
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
        String path = definition.getCancelPath().strip();
        if (path.contains("${statusUrl}")) {
            String statusUrl = StatusUrls.of(job, createStatusUrl != null);
            if (statusUrl == null) {
                return null;
            }
            // a whole URL: put in as returned, not encoded
            path = path.replace("${statusUrl}", statusUrl);
        }
        String url = url(path.replace("${id}", encode(job.getProviderJobId())));
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
                String message = errorMessage.text(Jq.body(reply), Jq.answer(reply));
                if (message != null) {
                    return message;
                }
            } catch (IllegalStateException e) {
                // an error body the expression does not fit: quote the body instead
            }
        }
        return reply.bodyExcerpt();
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
