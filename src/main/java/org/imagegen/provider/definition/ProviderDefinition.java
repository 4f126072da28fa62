package org.imagegen.provider.definition;

/**
 * One provider as an operator declares it in {@code routes/providers/<name>.camel.yaml}: a bean of this type, bound
 * under the provider's name, with flat properties (every one a string, so a property placeholder with its default
 * can stand for it). Plain data: {@link DefinedProvider} checks and compiles it. docs/adding-a-provider.md describes
 * each property.
 */
public class ProviderDefinition {

    private String baseUrl;
    private String apiKey;
    private String authHeader;
    private String authFormat;
    private String apiHosts;
    private String downloadHosts;
    private String model;
    private String ratePerSecond;
    private String rateBurst;
    private String pollInitialDelay;
    private String pollInterval;
    private String pollQueuedInterval;
    private String pollDeadline;
    private String aspectRatios;
    private String maxCount;
    private String maxPrompt;
    private String unsupportedFields;
    private String options;
    private String createMethod;
    private String createPath;
    private String createBody;
    private String createId;
    private String createStatusUrl;
    private String createRetryStatuses;
    private String createUnconfirmedStatuses;
    private String createOutcome;
    private String createCensored;
    private String createRefused;
    private String createCost;
    private String costUnit;
    private String errorMessage;
    private String statusMethod;
    private String statusPath;
    private String statusOutcome;
    private String findMethod;
    private String findPath;
    private String findBody;
    private String findId;
    private String cancelMethod;
    private String cancelPath;
    private String keyCheckPath;
    private String webhooks;
    private String webhookId;
    private String webhookSignature;
    private String webhookSecret;
    private String webhookSecretPath;
    private String webhookJwksUrl;
    private String webhookTolerance;
    private String resultOutcome;
    private String resultAnswerStatuses;
    private String simulator;
    private String responseTimeout;
    private String resultLifetime;

    // --- request checks, duration model, find by list (RequestProblems, FindByList)
    private String requestProblems;
    private String durationModel;
    private String findList;
    private String findListPath;
    private String findListPageSize;
    private String findListPageSizeMin;
    private String findListPageSizeMax;
    private String findListItems;
    private String findListComplete;

    // --- bulk status: many generations' statuses in one list call (BulkStatus)
    private String bulkStatus;
    private String bulkStatusPath;
    private String bulkStatusPageSize;
    private String bulkStatusPages;
    private String bulkStatusItems;
    private String bulkStatusId;

    // --- the option that names the model when the request does not (RequestRules)
    private String modelOption;

    // --- provider-side retry of a failed generation (ProviderRetry)
    private String retryPath;
    private String retryMethod;
    private String retryMax;
    private String retryUpdatePath;
    private String retryUpdateMethod;
    private String retryUpdateBody;

    // --- image acquisition (ImageAcquisition)
    private String imageMode;
    private String imageModes;
    private String imageSize;
    private String imageSizes;
    private String acquireModes;
    private String acquirePath;
    private String acquireMethod;
    private String acquireBody;
    private String acquireUrl;
    private String downloadModes;
    private String downloadPath;
    private String downloadMethod;
    private String downloadBody;
    private String acquireRefusal;
    private String imageAcquired;

    // --- cancel with a body
    private String cancelBody;

    // --- webhook subscription kept by the leader (WebhookSubscription)
    private String webhookSubscribePath;
    private String webhookSubscribeMethod;
    private String webhookSubscribeBody;
    private String webhookSubscriptionId;
    private String webhookUnsubscribePath;
    private String webhookUnsubscribeMethod;
    private String webhookUnsubscribeGone;

    /** The provider's API root, e.g. https://api.acme.example (required). */
    public String getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** The key; sent only to the base URL's own origin (and apiHosts), never to an image host. */
    public String getApiKey() {
        return apiKey;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    /** The header that carries the key (default Authorization); blank for none. */
    public String getAuthHeader() {
        return authHeader;
    }

    public void setAuthHeader(String authHeader) {
        this.authHeader = authHeader;
    }

    /** How the key is written into that header, {@code %s} standing for it (default {@code Bearer %s}). */
    public String getAuthFormat() {
        return authFormat;
    }

    public void setAuthFormat(String authFormat) {
        this.authFormat = authFormat;
    }

    /** More hosts (comma-separated, exact) that may receive the key: regional hosts of returned status URLs. */
    public String getApiHosts() {
        return apiHosts;
    }

    public void setApiHosts(String apiHosts) {
        this.apiHosts = apiHosts;
    }

    /** Hosts the images may be downloaded from besides the base URL's own ({@code cdn.x.com}, {@code *.x.com}). */
    public String getDownloadHosts() {
        return downloadHosts;
    }

    public void setDownloadHosts(String downloadHosts) {
        this.downloadHosts = downloadHosts;
    }

    /** The model sent when a request names none (its top-level model, or options.model when allowed). */
    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    /** Creates and checks per second at most (default 5). */
    public String getRatePerSecond() {
        return ratePerSecond;
    }

    public void setRatePerSecond(String ratePerSecond) {
        this.ratePerSecond = ratePerSecond;
    }

    /** Calls allowed at once after a quiet spell (default 10). */
    public String getRateBurst() {
        return rateBurst;
    }

    public void setRateBurst(String rateBurst) {
        this.rateBurst = rateBurst;
    }

    /** The shortest plausible generation time (default imagegen.poll.initial-delay). */
    public String getPollInitialDelay() {
        return pollInitialDelay;
    }

    public void setPollInitialDelay(String pollInitialDelay) {
        this.pollInitialDelay = pollInitialDelay;
    }

    /** The delivery-latency bound X between checks (default imagegen.poll.interval). */
    public String getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(String pollInterval) {
        this.pollInterval = pollInterval;
    }

    /** The interval while the provider says queued (default imagegen.poll.queued-interval). */
    public String getPollQueuedInterval() {
        return pollQueuedInterval;
    }

    public void setPollQueuedInterval(String pollQueuedInterval) {
        this.pollQueuedInterval = pollQueuedInterval;
    }

    /** When a job is given up (default imagegen.poll.deadline). */
    public String getPollDeadline() {
        return pollDeadline;
    }

    public void setPollDeadline(String pollDeadline) {
        this.pollDeadline = pollDeadline;
    }

    /** The aspect ratios a request may name (comma-separated); blank: any. */
    public String getAspectRatios() {
        return aspectRatios;
    }

    public void setAspectRatios(String aspectRatios) {
        this.aspectRatios = aspectRatios;
    }

    /** The most images one request may ask for; blank: no limit of ours. */
    public String getMaxCount() {
        return maxCount;
    }

    public void setMaxCount(String maxCount) {
        this.maxCount = maxCount;
    }

    /** The longest prompt in characters; blank: no limit of ours. */
    public String getMaxPrompt() {
        return maxPrompt;
    }

    public void setMaxPrompt(String maxPrompt) {
        this.maxPrompt = maxPrompt;
    }

    /** Request fields the API has no place for (comma-separated: negativePrompt, seed); a request with one is refused. */
    public String getUnsupportedFields() {
        return unsupportedFields;
    }

    public void setUnsupportedFields(String unsupportedFields) {
        this.unsupportedFields = unsupportedFields;
    }

    /** The option names a request may carry (comma-separated); blank: none. */
    public String getOptions() {
        return options;
    }

    public void setOptions(String options) {
        this.options = options;
    }

    /** The create call's HTTP method (default POST). */
    public String getCreateMethod() {
        return createMethod;
    }

    public void setCreateMethod(String createMethod) {
        this.createMethod = createMethod;
    }

    /** The create call's path below the base URL; {@code ${model}} is replaced (required). */
    public String getCreatePath() {
        return createPath;
    }

    public void setCreatePath(String createPath) {
        this.createPath = createPath;
    }

    /** jq from our request to the provider's create body (required for POST/PUT). */
    public String getCreateBody() {
        return createBody;
    }

    public void setCreateBody(String createBody) {
        this.createBody = createBody;
    }

    /** jq from the create answer to the generation id (required unless createOutcome). */
    public String getCreateId() {
        return createId;
    }

    public void setCreateId(String createId) {
        this.createId = createId;
    }

    /** jq from the create answer to a status URL to poll as returned; blank when the API names none. */
    public String getCreateStatusUrl() {
        return createStatusUrl;
    }

    public void setCreateStatusUrl(String createStatusUrl) {
        this.createStatusUrl = createStatusUrl;
    }

    /** Create answers that mean not created, try later (default 429,503). */
    public String getCreateRetryStatuses() {
        return createRetryStatuses;
    }

    public void setCreateRetryStatuses(String createRetryStatuses) {
        this.createRetryStatuses = createRetryStatuses;
    }

    /** Create answers after which the generation may exist (default 500,502,504). */
    public String getCreateUnconfirmedStatuses() {
        return createUnconfirmedStatuses;
    }

    public void setCreateUnconfirmedStatuses(String createUnconfirmedStatuses) {
        this.createUnconfirmedStatuses = createUnconfirmedStatuses;
    }

    /** jq from a 2xx create answer to an outcome object: a synchronous API's finished result; blank: none. */
    public String getCreateOutcome() {
        return createOutcome;
    }

    public void setCreateOutcome(String createOutcome) {
        this.createOutcome = createOutcome;
    }

    /** jq from a refused create's error answer ({@code $status}: its HTTP code), truthy when it means moderation. */
    public String getCreateCensored() {
        return createCensored;
    }

    public void setCreateCensored(String createCensored) {
        this.createCensored = createCensored;
    }

    /**
     * jq from a create's error answer ({@code $status}: its HTTP code), truthy when it refuses for good although its
     * code says "try later" (OpenAI's 429 {@code insufficient_quota}): the job fails at once instead of waiting.
     */
    public String getCreateRefused() {
        return createRefused;
    }

    public void setCreateRefused(String createRefused) {
        this.createRefused = createRefused;
    }

    /** jq from a 2xx create answer to the cost the provider reports (a number); blank: none reported. */
    public String getCreateCost() {
        return createCost;
    }

    public void setCreateCost(String createCost) {
        this.createCost = createCost;
    }

    /** The unit of reported costs ({@code credits}, {@code USD}); plain text. */
    public String getCostUnit() {
        return costUnit;
    }

    public void setCostUnit(String costUnit) {
        this.costUnit = costUnit;
    }

    /** jq from an error answer to its message; blank: the body's first characters. */
    public String getErrorMessage() {
        return errorMessage;
    }

    public void setErrorMessage(String errorMessage) {
        this.errorMessage = errorMessage;
    }

    /** The status call's HTTP method (default GET). */
    public String getStatusMethod() {
        return statusMethod;
    }

    public void setStatusMethod(String statusMethod) {
        this.statusMethod = statusMethod;
    }

    /** The status call's path; {@code ${id}} is replaced (required unless createStatusUrl). */
    public String getStatusPath() {
        return statusPath;
    }

    public void setStatusPath(String statusPath) {
        this.statusPath = statusPath;
    }

    /**
     * jq from the status answer to the outcome object {state, images, reason, cost, position, progress, url}
     * (required unless createOutcome).
     */
    public String getStatusOutcome() {
        return statusOutcome;
    }

    public void setStatusOutcome(String statusOutcome) {
        this.statusOutcome = statusOutcome;
    }

    /** Find-by-key: HTTP method (default GET); absent findPath means the provider cannot be searched. */
    public String getFindMethod() {
        return findMethod;
    }

    public void setFindMethod(String findMethod) {
        this.findMethod = findMethod;
    }

    /** Find-by-key: path; {@code ${key}} is replaced by our job key. */
    public String getFindPath() {
        return findPath;
    }

    public void setFindPath(String findPath) {
        this.findPath = findPath;
    }

    /** Find-by-key: jq from our request to a body (POST searches). */
    public String getFindBody() {
        return findBody;
    }

    public void setFindBody(String findBody) {
        this.findBody = findBody;
    }

    /** Find-by-key: jq from the answer to the generation id, null or empty when none. */
    public String getFindId() {
        return findId;
    }

    public void setFindId(String findId) {
        this.findId = findId;
    }

    /** Cancel: HTTP method (default POST). */
    public String getCancelMethod() {
        return cancelMethod;
    }

    public void setCancelMethod(String cancelMethod) {
        this.cancelMethod = cancelMethod;
    }

    /** Cancel: path; {@code ${id}} and {@code ${statusUrl}} are replaced; blank when the provider offers no cancel. */
    public String getCancelPath() {
        return cancelPath;
    }

    public void setCancelPath(String cancelPath) {
        this.cancelPath = cancelPath;
    }

    /**
     * Key check: the path of a cheap authenticated GET (the readiness check provider-key-&lt;name&gt; calls it; 401 or
     * 403 means the key is refused); blank when the provider has none, and then no key check.
     */
    public String getKeyCheckPath() {
        return keyCheckPath;
    }

    public void setKeyCheckPath(String keyCheckPath) {
        this.keyCheckPath = keyCheckPath;
    }

    /** Webhooks: {@code true} to receive them at {@code /webhooks/<name>} (default false). */
    public String getWebhooks() {
        return webhooks;
    }

    public void setWebhooks(String webhooks) {
        this.webhooks = webhooks;
    }

    /** Webhooks: jq from a delivery's payload to the generation id. */
    public String getWebhookId() {
        return webhookId;
    }

    public void setWebhookId(String webhookId) {
        this.webhookId = webhookId;
    }

    /** Webhooks: {@code standard-webhooks}, {@code ed25519-jwks} or {@code none} (a secret path instead). */
    public String getWebhookSignature() {
        return webhookSignature;
    }

    public void setWebhookSignature(String webhookSignature) {
        this.webhookSignature = webhookSignature;
    }

    /** Webhooks: the signing secret (standard-webhooks) or the secret path segment (none). */
    public String getWebhookSecret() {
        return webhookSecret;
    }

    public void setWebhookSecret(String webhookSecret) {
        this.webhookSecret = webhookSecret;
    }

    /** Webhooks: where the provider serves its signing secret ({@code .key}), when webhookSecret is blank. */
    public String getWebhookSecretPath() {
        return webhookSecretPath;
    }

    public void setWebhookSecretPath(String webhookSecretPath) {
        this.webhookSecretPath = webhookSecretPath;
    }

    /** Webhooks: the provider's JWKS (ed25519-jwks): a full URL or a path below baseUrl. */
    public String getWebhookJwksUrl() {
        return webhookJwksUrl;
    }

    public void setWebhookJwksUrl(String webhookJwksUrl) {
        this.webhookJwksUrl = webhookJwksUrl;
    }

    /** Webhooks: how far a delivery's timestamp may be from now (default 5m). */
    public String getWebhookTolerance() {
        return webhookTolerance;
    }

    public void setWebhookTolerance(String webhookTolerance) {
        this.webhookTolerance = webhookTolerance;
    }

    /**
     * jq from the answer to the GET that a {@code fetch} outcome (state fetch, url) asked for, to an outcome object;
     * {@code $status} is that answer's HTTP code. Required for a statusOutcome that fetches.
     */
    public String getResultOutcome() {
        return resultOutcome;
    }

    public void setResultOutcome(String resultOutcome) {
        this.resultOutcome = resultOutcome;
    }

    /**
     * HTTP codes of the result fetch that are the provider's answer for resultOutcome to read, though such a code
     * (429, 408, 5xx) otherwise only means "check again later": fal reports a request that failed on its side (504
     * request_timeout) this way. resultOutcome's {@code unknown} still checks again later. Blank: none.
     */
    public String getResultAnswerStatuses() {
        return resultAnswerStatuses;
    }

    public void setResultAnswerStatuses(String resultAnswerStatuses) {
        this.resultAnswerStatuses = resultAnswerStatuses;
    }

    /** The built-in simulator that stands in for this provider when imagegen.simulate says so (e.g. bfl). */
    public String getSimulator() {
        return simulator;
    }

    public void setSimulator(String simulator) {
        this.simulator = simulator;
    }

    /**
     * How long one call waits for the provider's answer (a duration: {@code 120s}, {@code 2m}); blank: the global
     * imagegen.http.response-timeout. A synchronous API answers a create only once the images are made.
     */
    public String getResponseTimeout() {
        return responseTimeout;
    }

    public void setResponseTimeout(String responseTimeout) {
        this.responseTimeout = responseTimeout;
    }

    /**
     * How long the provider keeps a finished generation's result (a duration: BFL's sample URL {@code 10m}); blank:
     * not documented. A job past its deadline is checked late for at most this long (imagegen.poll.late-window
     * otherwise).
     */
    public String getResultLifetime() {
        return resultLifetime;
    }

    public void setResultLifetime(String resultLifetime) {
        this.resultLifetime = resultLifetime;
    }

    // --- model option, request checks, duration model, find by list (RequestRules, RequestProblems, FindByList)

    /** The option whose value is the request's model when it names none at the top level (default {@code model}). */
    public String getModelOption() {
        return modelOption;
    }

    public void setModelOption(String modelOption) {
        this.modelOption = modelOption;
    }

    /**
     * jq from our request (as createBody sees it) to the problems the API would refuse it for: an array of
     * {@code {field, message}} (empty or null: none), each reported like any other bad input. Blank: no checks
     * beyond aspectRatios, maxCount, maxPrompt, options and unsupportedFields.
     */
    public String getRequestProblems() {
        return requestProblems;
    }

    public void setRequestProblems(String requestProblems) {
        this.requestProblems = requestProblems;
    }

    /**
     * jq from our request to the name its generation times are learned under (the poll planner's shortest duration per
     * provider and model): a style, a speed mode. Blank: the model the request resolves to.
     */
    public String getDurationModel() {
        return durationModel;
    }

    public void setDurationModel(String durationModel) {
        this.durationModel = durationModel;
    }

    /**
     * Find by list: {@code true} (the default when findListPath is declared) to look a create whose answer was lost
     * up in the provider's list of generations; {@code false} parks such a job for a person.
     */
    public String getFindList() {
        return findList;
    }

    public void setFindList(String findList) {
        this.findList = findList;
    }

    /** Find by list: the path of the list's first page (newest first); {@code ${pageSize}} is replaced. */
    public String getFindListPath() {
        return findListPath;
    }

    public void setFindListPath(String findListPath) {
        this.findListPath = findListPath;
    }

    /** Find by list: how many generations the page asks for (required with findListPath). */
    public String getFindListPageSize() {
        return findListPageSize;
    }

    public void setFindListPageSize(String findListPageSize) {
        this.findListPageSize = findListPageSize;
    }

    /** Find by list: the smallest page size the API accepts (default 1); a findListPageSize below it stops the start. */
    public String getFindListPageSizeMin() {
        return findListPageSizeMin;
    }

    public void setFindListPageSizeMin(String findListPageSizeMin) {
        this.findListPageSizeMin = findListPageSizeMin;
    }

    /** Find by list: the largest page size the API accepts; a findListPageSize above it stops the start. */
    public String getFindListPageSizeMax() {
        return findListPageSizeMax;
    }

    public void setFindListPageSizeMax(String findListPageSizeMax) {
        this.findListPageSizeMax = findListPageSizeMax;
    }

    /**
     * Find by list: jq from the page to the generations that may be the job's, an array of {@code {id, createdAt}}
     * (createdAt: epoch seconds, or ISO-8601 text); {@code $request} is our request. Required with findListPath.
     */
    public String getFindListItems() {
        return findListItems;
    }

    public void setFindListItems(String findListItems) {
        this.findListItems = findListItems;
    }

    /** Find by list: jq from the page, true when it holds every generation the provider has; blank: never known. */
    public String getFindListComplete() {
        return findListComplete;
    }

    public void setFindListComplete(String findListComplete) {
        this.findListComplete = findListComplete;
    }

    // --- bulk status: many generations' statuses in one list call (BulkStatus)

    /**
     * Bulk status: {@code true} (the default when bulkStatusPath is declared) to list the provider's latest
     * generations every imagegen.poll.sweep-interval and answer their jobs' checks from the list; {@code false}: every
     * job is checked on its own.
     */
    public String getBulkStatus() {
        return bulkStatus;
    }

    public void setBulkStatus(String bulkStatus) {
        this.bulkStatus = bulkStatus;
    }

    /**
     * Bulk status: the path of one page of the list, newest first; {@code ${pageSize}}, {@code ${page}} (from 1) and
     * {@code ${offset}} (from 0) are replaced. Blank: no bulk status.
     */
    public String getBulkStatusPath() {
        return bulkStatusPath;
    }

    public void setBulkStatusPath(String bulkStatusPath) {
        this.bulkStatusPath = bulkStatusPath;
    }

    /** Bulk status: how many generations a page asks for (required with bulkStatusPath). */
    public String getBulkStatusPageSize() {
        return bulkStatusPageSize;
    }

    public void setBulkStatusPageSize(String bulkStatusPageSize) {
        this.bulkStatusPageSize = bulkStatusPageSize;
    }

    /** Bulk status: how many pages one sweep reads at most (default 1); a page that is not full ends it sooner. */
    public String getBulkStatusPages() {
        return bulkStatusPages;
    }

    public void setBulkStatusPages(String bulkStatusPages) {
        this.bulkStatusPages = bulkStatusPages;
    }

    /**
     * Bulk status: jq from a page to its generations, an array whose every item reads, by statusOutcome, as the
     * answer of that generation's own status check would. Required with bulkStatusPath.
     */
    public String getBulkStatusItems() {
        return bulkStatusItems;
    }

    public void setBulkStatusItems(String bulkStatusItems) {
        this.bulkStatusItems = bulkStatusItems;
    }

    /** Bulk status: jq from one item (as bulkStatusItems gives it) to its generation's id. Required with bulkStatusPath. */
    public String getBulkStatusId() {
        return bulkStatusId;
    }

    public void setBulkStatusId(String bulkStatusId) {
        this.bulkStatusId = bulkStatusId;
    }

    // --- provider-side retry of a failed generation (ProviderRetry)

    /** Retry: path of the call that retries a failed generation in place; {@code ${id}} is replaced; blank: no retry. */
    public String getRetryPath() {
        return retryPath;
    }

    public void setRetryPath(String retryPath) {
        this.retryPath = retryPath;
    }

    /** Retry: its HTTP method (default POST). */
    public String getRetryMethod() {
        return retryMethod;
    }

    public void setRetryMethod(String retryMethod) {
        this.retryMethod = retryMethod;
    }

    /** Retry: how many retries one job may have at most (default 0: none). */
    public String getRetryMax() {
        return retryMax;
    }

    public void setRetryMax(String retryMax) {
        this.retryMax = retryMax;
    }

    /** Retry: path of the call that changes the generation before each retry; {@code ${id}} is replaced. */
    public String getRetryUpdatePath() {
        return retryUpdatePath;
    }

    public void setRetryUpdatePath(String retryUpdatePath) {
        this.retryUpdatePath = retryUpdatePath;
    }

    /** Retry: its HTTP method (default PUT). */
    public String getRetryUpdateMethod() {
        return retryUpdateMethod;
    }

    public void setRetryUpdateMethod(String retryUpdateMethod) {
        this.retryUpdateMethod = retryUpdateMethod;
    }

    /** Retry: the change, JSON sent as it is; blank: no change is sent, only the retry. */
    public String getRetryUpdateBody() {
        return retryUpdateBody;
    }

    public void setRetryUpdateBody(String retryUpdateBody) {
        this.retryUpdateBody = retryUpdateBody;
    }

    // --- image acquisition (ImageAcquisition)

    /** Images: which rendition the operator chose (one of imageModes); jq sees it as {@code $imageMode}. */
    public String getImageMode() {
        return imageMode;
    }

    public void setImageMode(String imageMode) {
        this.imageMode = imageMode;
    }

    /** Images: the words imageMode may be (comma-separated). */
    public String getImageModes() {
        return imageModes;
    }

    public void setImageModes(String imageModes) {
        this.imageModes = imageModes;
    }

    /** Images: which size to acquire (one of imageSizes); jq sees it as {@code $imageSize}. */
    public String getImageSize() {
        return imageSize;
    }

    public void setImageSize(String imageSize) {
        this.imageSize = imageSize;
    }

    /** Images: the words imageSize may be (comma-separated). */
    public String getImageSizes() {
        return imageSizes;
    }

    public void setImageSizes(String imageSizes) {
        this.imageSizes = imageSizes;
    }

    /** Images: the imageModes that acquire each image first (a paid call answering the link to download). */
    public String getAcquireModes() {
        return acquireModes;
    }

    public void setAcquireModes(String acquireModes) {
        this.acquireModes = acquireModes;
    }

    /** Images: path of the acquiring call. */
    public String getAcquirePath() {
        return acquirePath;
    }

    public void setAcquirePath(String acquirePath) {
        this.acquirePath = acquirePath;
    }

    /** Images: its HTTP method (default POST). */
    public String getAcquireMethod() {
        return acquireMethod;
    }

    public void setAcquireMethod(String acquireMethod) {
        this.acquireMethod = acquireMethod;
    }

    /** Images: jq from the image URL ({@code $number}, {@code $imageMode}, {@code $imageSize}) to its body. */
    public String getAcquireBody() {
        return acquireBody;
    }

    public void setAcquireBody(String acquireBody) {
        this.acquireBody = acquireBody;
    }

    /** Images: jq from the acquiring call's answer to the URL to download. */
    public String getAcquireUrl() {
        return acquireUrl;
    }

    public void setAcquireUrl(String acquireUrl) {
        this.acquireUrl = acquireUrl;
    }

    /** Images: the imageModes whose download is a call of its own (a paid route answering the bytes). */
    public String getDownloadModes() {
        return downloadModes;
    }

    public void setDownloadModes(String downloadModes) {
        this.downloadModes = downloadModes;
    }

    /** Images: path of that download call. */
    public String getDownloadPath() {
        return downloadPath;
    }

    public void setDownloadPath(String downloadPath) {
        this.downloadPath = downloadPath;
    }

    /** Images: its HTTP method (default POST). */
    public String getDownloadMethod() {
        return downloadMethod;
    }

    public void setDownloadMethod(String downloadMethod) {
        this.downloadMethod = downloadMethod;
    }

    /** Images: jq from the image URL to that download call's body. */
    public String getDownloadBody() {
        return downloadBody;
    }

    public void setDownloadBody(String downloadBody) {
        this.downloadBody = downloadBody;
    }

    /** Images: jq from an error answer of the acquiring or download call to the reason it fails for good
     * (a retry of the delivery by a person may clear it: no credits), or null. */
    public String getAcquireRefusal() {
        return acquireRefusal;
    }

    public void setAcquireRefusal(String acquireRefusal) {
        this.acquireRefusal = acquireRefusal;
    }

    /** Images: jq from the image URL to how it was got, as the manifest records it (default {@code url}). */
    public String getImageAcquired() {
        return imageAcquired;
    }

    public void setImageAcquired(String imageAcquired) {
        this.imageAcquired = imageAcquired;
    }

    // --- cancel with a body ---------------------------------------------------------------

    /** Cancel: jq from {@code {id}} to the cancel call's body (a DELETE with a list of ids); blank: none. */
    public String getCancelBody() {
        return cancelBody;
    }

    public void setCancelBody(String cancelBody) {
        this.cancelBody = cancelBody;
    }

    // --- webhook subscription kept by the leader (WebhookSubscription)

    /** Subscription: path of the call that registers the receiver's URL (one per API key). */
    public String getWebhookSubscribePath() {
        return webhookSubscribePath;
    }

    public void setWebhookSubscribePath(String webhookSubscribePath) {
        this.webhookSubscribePath = webhookSubscribePath;
    }

    /** Subscription: its HTTP method (default POST). */
    public String getWebhookSubscribeMethod() {
        return webhookSubscribeMethod;
    }

    public void setWebhookSubscribeMethod(String webhookSubscribeMethod) {
        this.webhookSubscribeMethod = webhookSubscribeMethod;
    }

    /** Subscription: jq from {@code {url}} (the receiver's URL) to the subscribe body. */
    public String getWebhookSubscribeBody() {
        return webhookSubscribeBody;
    }

    public void setWebhookSubscribeBody(String webhookSubscribeBody) {
        this.webhookSubscribeBody = webhookSubscribeBody;
    }

    /** Subscription: jq from the subscribe answer to the subscription's id. */
    public String getWebhookSubscriptionId() {
        return webhookSubscriptionId;
    }

    public void setWebhookSubscriptionId(String webhookSubscriptionId) {
        this.webhookSubscriptionId = webhookSubscriptionId;
    }

    /** Subscription: path of the call that removes one; {@code ${id}} is replaced. */
    public String getWebhookUnsubscribePath() {
        return webhookUnsubscribePath;
    }

    public void setWebhookUnsubscribePath(String webhookUnsubscribePath) {
        this.webhookUnsubscribePath = webhookUnsubscribePath;
    }

    /** Subscription: its HTTP method (default DELETE). */
    public String getWebhookUnsubscribeMethod() {
        return webhookUnsubscribeMethod;
    }

    public void setWebhookUnsubscribeMethod(String webhookUnsubscribeMethod) {
        this.webhookUnsubscribeMethod = webhookUnsubscribeMethod;
    }

    /** Subscription: error codes of the removal that mean it is gone already (default 404). */
    public String getWebhookUnsubscribeGone() {
        return webhookUnsubscribeGone;
    }

    public void setWebhookUnsubscribeGone(String webhookUnsubscribeGone) {
        this.webhookUnsubscribeGone = webhookUnsubscribeGone;
    }

    /** Never printed with its key. */
    @Override
    public String toString() {
        return "ProviderDefinition[" + baseUrl + "]";
    }
}
