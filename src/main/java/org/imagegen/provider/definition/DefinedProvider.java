package org.imagegen.provider.definition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.imagegen.job.Job;
import org.imagegen.provider.CreateResult;
import org.imagegen.provider.DownloadHosts;
import org.imagegen.provider.Estimate;
import org.imagegen.provider.FindResult;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ImageProvider;
import org.imagegen.provider.ProviderCall;
import org.imagegen.provider.StatusResult;
import org.imagegen.request.GenerationRequest;
import org.imagegen.request.Problems;

import static org.imagegen.provider.definition.DefinitionValues.blank;
import static org.imagegen.provider.definition.DefinitionValues.list;
import static org.imagegen.provider.definition.DefinitionValues.required;

/**
 * A provider declared by a {@link ProviderDefinition} instead of written in Java: builds its calls and reads its
 * answers with the definition's paths and jq expressions, compiled once here, so a broken definition stops the
 * bundle at start with the property named rather than failing a job later. The HTTP itself is the generic route
 * {@code defined-provider-http} (routes/providers/defined-provider.camel.yaml). Each stage is a class of its own,
 * built from its section of the definition: {@link DefinedRequests}, {@link DefinedCreate}, {@link DefinedStatus}
 * (with {@link BulkStatus}), {@link FindByKey} or {@link FindByList}, {@link ImageAcquisition}, and the optional
 * {@link ProviderRetry}, {@link Cancel}, {@link DefinedWebhook} and {@link WebhookSubscription}; this class puts them
 * together as the engine's {@link ImageProvider}.
 */
public class DefinedProvider implements ImageProvider {

    /** A provider's name is a job column (32 characters) and part of file names: lower case, digits and dashes. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    private final String name;
    private final ProviderDefinition definition;
    private final DefinedConnection connection;
    private final ProviderUrls urls;
    private final DefinedRequests requests;
    private final DefinedCreate create;
    /** The estimate asked before each create (estimatePath), or null. */
    private final DefinedEstimate estimate;
    private final Jq errorMessage;
    private final DefinedStatus status;
    /** Find by key (findPath), or null. */
    private final FindByKey findByKey;
    /** Find by list (findListPath), or null: the provider is searched by key, or not at all. */
    private final FindByList findByList;
    private final DefinedWebhook webhook;
    /** resultLifetime in milliseconds, or null: not declared. */
    private final Long resultLifetimeMs;
    /** Optional capabilities, each null when the definition does not declare it. */
    private final ProviderRetry retry;
    private final ImageAcquisition images;
    private final Cancel cancel;
    private final WebhookSubscription subscription;

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
            connection = new DefinedConnection(name, d.connection(), simulatorUrl, simulatorImageHosts);
            urls = connection.urls();
            requests = new DefinedRequests(name, d.requests(), d.pacing().getDurationModel(), this::webhookUrl);
            create = new DefinedCreate(name, d.create());
            estimate = DefinedEstimate.of(d.create());
            errorMessage = Jq.compile("errorMessage", d.create().getErrorMessage());
            // the operator's image choice and the base URL called, as $imageMode, $imageSize and $baseUrl
            Map<String, JsonNode> settings = new HashMap<>(ImageAcquisition.variables(d.images()));
            settings.put("baseUrl", TextNode.valueOf(urls.baseUrl()));
            status = new DefinedStatus(name, d.status(), d.bulkStatus(), create, urls, settings, this::message);
            findByKey = FindByKey.of(name, d.find());
            findByList = FindByList.of(name, d.find());
            resultLifetimeMs = DefinitionValues.duration(d.pacing().getResultLifetime(), "resultLifetime");
            // a simulator serves the keys its deliveries are signed with where the provider serves its own (fal's
            // /.well-known/jwks.json on another host): while simulated, a full keys URL is taken on the simulator
            boolean simulated = connection.simulated();
            webhook = DefinedWebhook.of(name, d.webhooks(),
                    path -> urls.call("GET", urls.url(simulated ? DefinitionValues.pathOf(path) : path), null, null));
            retry = ProviderRetry.of(urls, d.retry());
            images = new ImageAcquisition(name, d.images(), urls, settings, this::message);
            cancel = Cancel.of(d.cancel());
            subscription = WebhookSubscription.of(name, d.webhooks(), urls, webhook == null ? null : webhook::url,
                    this::message);
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

    /**
     * The receiver's URL handed to the provider at create (jq {@code .webhookUrl}); null when webhooks are off, or
     * registered per key by a subscription instead.
     */
    public String webhookUrl() {
        return webhook == null || subscription != null ? null : webhook.url();
    }

    /** The webhook subscription the leader keeps (routes/webhooks.camel.yaml), or null when there is none. */
    public WebhookSubscription subscription() {
        return subscription;
    }

    /** The base URL called: the definition's, or the simulator's when one stands in. */
    public String baseUrl() {
        return urls.baseUrl();
    }

    /** Whether a built-in simulator stands in for the provider (definition property simulator). */
    public boolean isSimulated() {
        return connection.simulated();
    }

    public DownloadHosts downloadHosts() {
        return connection.downloadHosts();
    }

    /** How long a call waits for the answer: the definition's responseTimeout, else {@code fallbackMs}. */
    public long responseTimeoutMs(long fallbackMs) {
        return connection.responseTimeoutMs(fallbackMs);
    }

    @Override
    public Long resultLifetimeMs() {
        return resultLifetimeMs;
    }

    /** The header that carries the key, or null when the provider wants none. */
    public String authHeader() {
        return connection.authHeader();
    }

    /** The header's value: the key in the definition's format. */
    public String authValue() {
        return connection.authValue();
    }

    // --- requests -----------------------------------------------------------------------------------------------

    @Override
    public void validate(GenerationRequest r, Problems problems) {
        requests.validate(r, problems);
    }

    /**
     * What the request's generation times are learned under: the definition's durationModel (a style, a speed mode),
     * else the model it resolves to (its {@code model}, else its {@code options.model} when model is an option, else
     * the definition's).
     */
    @Override
    public String modelOf(GenerationRequest request) {
        return requests.durationModelOf(request);
    }

    /** The unit of the costs this provider reports ({@code costUnit}), or null. */
    @Override
    public String costUnit() {
        return blank(definition.create().getCostUnit()) ? null : definition.create().getCostUnit().strip();
    }

    /** What every jq expression of a create or search sees: our request, with the model it resolves to. */
    public ObjectNode input(Job job) {
        return requests.input(job.getKey(), job.getRequest());
    }

    // --- calls and answers ----------------------------------------------------------------------------------------

    @Override
    public ProviderCall createCall(Job job) {
        return create.call(urls, job.getKey(), input(job), requests.modelOf(job.getRequest()), webhookUrl());
    }

    @Override
    public ProviderCall estimateCall(Job job) {
        return estimate == null ? null : estimate.call(urls, createCall(job));
    }

    @Override
    public Estimate readEstimate(HttpReply reply) {
        return estimate.read(name, reply, this::message);
    }

    @Override
    public CreateResult readCreate(HttpReply reply) {
        return reply.isSuccess() ? create.read(reply, status.declared(), status.hasPath())
                : create.readError(reply, reply.reason(name, message(reply)), message(reply));
    }

    /**
     * The status URL the provider returned at create, as returned; or {@code statusPath} with the generation's id.
     * The key goes along only to the provider's hosts.
     */
    @Override
    public ProviderCall statusCall(Job job) {
        return status.call(job);
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

    /** Whether the provider lists its generations' statuses in bulk (bulkStatusPath, switched on). */
    public boolean hasBulkStatus() {
        return status.bulk() != null;
    }

    /** The provider's list of its generations' statuses, read by the bulk status sweeps; null when it has none. */
    public BulkStatus bulkStatus() {
        return status.bulk();
    }

    @Override
    public ProviderCall findCall(Job job) {
        if (findByList != null) {
            return findByList.call(urls);
        }
        return findByKey == null ? null : findByKey.call(urls, job, () -> input(job));
    }

    @Override
    public FindResult readFind(Job job, HttpReply reply) {
        return findByList != null ? findByList.read(reply, input(job), this::message)
                : findByKey.read(job, reply, this::message);
    }

    /**
     * Images usually come from another host (a CDN): the key goes along only to the provider's own. An image mode
     * that downloads through a call of its own (downloadModes) makes that call instead.
     */
    @Override
    public ProviderCall downloadCall(Job job, String url) {
        ProviderCall paid = images.downloadCall(url, imageNumber(job, url));
        return paid != null ? paid : urls.call("GET", url, null, null);
    }

    @Override
    public ProviderCall acquireCall(Job job, String url) {
        return images.acquireCall(url, imageNumber(job, url));
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
        return images.downloadRefusal(status, number);
    }

    /** The image's number (from 1) among the job's, for a body and a reason; 0 when it is not one of them. */
    private static int imageNumber(Job job, String url) {
        List<String> listed = job.getImageUrls();
        return listed == null ? 0 : listed.indexOf(url) + 1;
    }

    @Override
    public ProviderCall retryCall(Job job) {
        return retry == null ? null : retry.retryCall(job);
    }

    @Override
    public ProviderCall updateBeforeRetryCall(Job job) {
        return retry == null ? null : retry.updateCall(job);
    }

    @Override
    public int maxProviderRetries() {
        return retry == null ? 0 : retry.max();
    }

    @Override
    public ProviderCall redirectCall(String method, String url, String body) {
        return urls.call(method, url, body, null);
    }

    /** The GET at {@code keyCheckPath} that tells whether the key is accepted; null when the definition has none. */
    public ProviderCall keyCheckCall() {
        return connection.keyCheckCall();
    }

    @Override
    public ProviderCall deleteCall(Job job) {
        return cancel == null ? null : cancel.call(urls, job, create.returnsStatusUrl());
    }

    /** The key goes to the base URL's origin (scheme, host, port) and the declared apiHosts, nowhere else. */
    boolean mayCarryKey(String url) {
        return urls.mayCarryKey(url);
    }

    // --- helpers ----------------------------------------------------------------------------------------------------

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

    /** For logs: never the key. */
    @Override
    public String toString() {
        return "DefinedProvider[" + name + ", " + urls.baseUrl() + "]";
    }
}
