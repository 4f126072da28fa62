package org.imagegen.provider.definition;

/**
 * One provider as an operator declares it in {@code routes/providers/<name>.camel.yaml}: a bean of this type, bound
 * under the provider's name, with flat properties (every one a string, so a property placeholder with its default
 * can stand for it). The flat names are the definition format (docs/adding-a-provider.md), so the setters stay here,
 * one line each, and hand every value to its section: the engine takes the section it needs ({@link BulkStatus} the
 * bulk status properties, {@link ProviderRetry} the retry ones) and each section documents its properties. Plain
 * data: {@link DefinedProvider} checks and compiles it.
 */
public class ProviderDefinition {

    private final ConnectionProperties connection = new ConnectionProperties();
    private final PacingProperties pacing = new PacingProperties();
    private final RequestProperties requests = new RequestProperties();
    private final CreateProperties create = new CreateProperties();
    private final StatusProperties status = new StatusProperties();
    private final FindProperties find = new FindProperties();
    private final BulkStatusProperties bulkStatus = new BulkStatusProperties();
    private final CancelProperties cancel = new CancelProperties();
    private final RetryProperties retry = new RetryProperties();
    private final ImageProperties images = new ImageProperties();
    private final WebhookProperties webhooks = new WebhookProperties();

    public ConnectionProperties connection() {
        return connection;
    }

    public PacingProperties pacing() {
        return pacing;
    }

    public RequestProperties requests() {
        return requests;
    }

    public CreateProperties create() {
        return create;
    }

    public StatusProperties status() {
        return status;
    }

    public FindProperties find() {
        return find;
    }

    public BulkStatusProperties bulkStatus() {
        return bulkStatus;
    }

    public CancelProperties cancel() {
        return cancel;
    }

    public RetryProperties retry() {
        return retry;
    }

    public ImageProperties images() {
        return images;
    }

    public WebhookProperties webhooks() {
        return webhooks;
    }

    // --- where it lives and how it is called (ConnectionProperties)
    public void setBaseUrl(String value) { connection.setBaseUrl(value); }
    public void setApiKey(String value) { connection.setApiKey(value); }
    public void setAuthHeader(String value) { connection.setAuthHeader(value); }
    public void setAuthFormat(String value) { connection.setAuthFormat(value); }
    public void setApiHosts(String value) { connection.setApiHosts(value); }
    public void setDownloadHosts(String value) { connection.setDownloadHosts(value); }
    public void setSimulator(String value) { connection.setSimulator(value); }
    public void setKeyCheckPath(String value) { connection.setKeyCheckPath(value); }
    public void setResponseTimeout(String value) { connection.setResponseTimeout(value); }

    // --- how hard and how often it is asked (PacingProperties)
    public void setRatePerSecond(String value) { pacing.setRatePerSecond(value); }
    public void setRateBurst(String value) { pacing.setRateBurst(value); }
    public void setPollInitialDelay(String value) { pacing.setPollInitialDelay(value); }
    public void setPollInterval(String value) { pacing.setPollInterval(value); }
    public void setPollQueuedInterval(String value) { pacing.setPollQueuedInterval(value); }
    public void setPollDeadline(String value) { pacing.setPollDeadline(value); }
    public void setResultLifetime(String value) { pacing.setResultLifetime(value); }
    public void setDurationModel(String value) { pacing.setDurationModel(value); }

    // --- what a request may ask for (RequestProperties)
    public void setModel(String value) { requests.setModel(value); }
    public void setModelOption(String value) { requests.setModelOption(value); }
    public void setAspectRatios(String value) { requests.setAspectRatios(value); }
    public void setMaxCount(String value) { requests.setMaxCount(value); }
    public void setMaxPrompt(String value) { requests.setMaxPrompt(value); }
    public void setUnsupportedFields(String value) { requests.setUnsupportedFields(value); }
    public void setOptions(String value) { requests.setOptions(value); }
    public void setRequestProblems(String value) { requests.setRequestProblems(value); }

    // --- create (CreateProperties)
    public void setCreateMethod(String value) { create.setCreateMethod(value); }
    public void setCreatePath(String value) { create.setCreatePath(value); }
    public void setCreateBody(String value) { create.setCreateBody(value); }
    public void setCreateId(String value) { create.setCreateId(value); }
    public void setCreateStatusUrl(String value) { create.setCreateStatusUrl(value); }
    public void setCreateRetryStatuses(String value) { create.setCreateRetryStatuses(value); }
    public void setCreateUnconfirmedStatuses(String value) { create.setCreateUnconfirmedStatuses(value); }
    public void setCreateOutcome(String value) { create.setCreateOutcome(value); }
    public void setCreateCensored(String value) { create.setCreateCensored(value); }
    public void setCreateRefused(String value) { create.setCreateRefused(value); }
    public void setCreateCost(String value) { create.setCreateCost(value); }
    public void setCostUnit(String value) { create.setCostUnit(value); }
    public void setEstimate(String value) { create.setEstimate(value); }
    public void setEstimatePath(String value) { create.setEstimatePath(value); }
    public void setEstimateCost(String value) { create.setEstimateCost(value); }
    public void setEstimateBalance(String value) { create.setEstimateBalance(value); }
    public void setErrorMessage(String value) { create.setErrorMessage(value); }

    // --- status (StatusProperties)
    public void setStatusMethod(String value) { status.setStatusMethod(value); }
    public void setStatusPath(String value) { status.setStatusPath(value); }
    public void setStatusOutcome(String value) { status.setStatusOutcome(value); }
    public void setResultOutcome(String value) { status.setResultOutcome(value); }
    public void setResultAnswerStatuses(String value) { status.setResultAnswerStatuses(value); }

    // --- find by key, find by list (FindProperties)
    public void setFindMethod(String value) { find.setFindMethod(value); }
    public void setFindPath(String value) { find.setFindPath(value); }
    public void setFindBody(String value) { find.setFindBody(value); }
    public void setFindId(String value) { find.setFindId(value); }
    public void setFindList(String value) { find.setFindList(value); }
    public void setFindListPath(String value) { find.setFindListPath(value); }
    public void setFindListPageSize(String value) { find.setFindListPageSize(value); }
    public void setFindListPageSizeMin(String value) { find.setFindListPageSizeMin(value); }
    public void setFindListPageSizeMax(String value) { find.setFindListPageSizeMax(value); }
    public void setFindListItems(String value) { find.setFindListItems(value); }
    public void setFindListComplete(String value) { find.setFindListComplete(value); }

    // --- bulk status (BulkStatusProperties)
    public void setBulkStatus(String value) { bulkStatus.setBulkStatus(value); }
    public void setBulkStatusPath(String value) { bulkStatus.setBulkStatusPath(value); }
    public void setBulkStatusPageSize(String value) { bulkStatus.setBulkStatusPageSize(value); }
    public void setBulkStatusPages(String value) { bulkStatus.setBulkStatusPages(value); }
    public void setBulkStatusItems(String value) { bulkStatus.setBulkStatusItems(value); }
    public void setBulkStatusId(String value) { bulkStatus.setBulkStatusId(value); }

    // --- cancel (CancelProperties)
    public void setCancelMethod(String value) { cancel.setCancelMethod(value); }
    public void setCancelPath(String value) { cancel.setCancelPath(value); }
    public void setCancelBody(String value) { cancel.setCancelBody(value); }

    // --- provider-side retry (RetryProperties)
    public void setRetryPath(String value) { retry.setRetryPath(value); }
    public void setRetryMethod(String value) { retry.setRetryMethod(value); }
    public void setRetryMax(String value) { retry.setRetryMax(value); }
    public void setRetryUpdatePath(String value) { retry.setRetryUpdatePath(value); }
    public void setRetryUpdateMethod(String value) { retry.setRetryUpdateMethod(value); }
    public void setRetryUpdateBody(String value) { retry.setRetryUpdateBody(value); }

    // --- image acquisition (ImageProperties)
    public void setImageMode(String value) { images.setImageMode(value); }
    public void setImageModes(String value) { images.setImageModes(value); }
    public void setImageSize(String value) { images.setImageSize(value); }
    public void setImageSizes(String value) { images.setImageSizes(value); }
    public void setAcquireModes(String value) { images.setAcquireModes(value); }
    public void setAcquirePath(String value) { images.setAcquirePath(value); }
    public void setAcquireMethod(String value) { images.setAcquireMethod(value); }
    public void setAcquireBody(String value) { images.setAcquireBody(value); }
    public void setAcquireUrl(String value) { images.setAcquireUrl(value); }
    public void setDownloadModes(String value) { images.setDownloadModes(value); }
    public void setDownloadPath(String value) { images.setDownloadPath(value); }
    public void setDownloadMethod(String value) { images.setDownloadMethod(value); }
    public void setDownloadBody(String value) { images.setDownloadBody(value); }
    public void setAcquireRefusal(String value) { images.setAcquireRefusal(value); }
    public void setImageAcquired(String value) { images.setImageAcquired(value); }

    // --- webhooks and the subscription kept by the leader (WebhookProperties)
    public void setWebhooks(String value) { webhooks.setWebhooks(value); }
    public void setWebhookId(String value) { webhooks.setWebhookId(value); }
    public void setWebhookSignature(String value) { webhooks.setWebhookSignature(value); }
    public void setWebhookSecret(String value) { webhooks.setWebhookSecret(value); }
    public void setWebhookSecretPath(String value) { webhooks.setWebhookSecretPath(value); }
    public void setWebhookJwksUrl(String value) { webhooks.setWebhookJwksUrl(value); }
    public void setWebhookTolerance(String value) { webhooks.setWebhookTolerance(value); }
    public void setWebhookSubscribePath(String value) { webhooks.setWebhookSubscribePath(value); }
    public void setWebhookSubscribeMethod(String value) { webhooks.setWebhookSubscribeMethod(value); }
    public void setWebhookSubscribeBody(String value) { webhooks.setWebhookSubscribeBody(value); }
    public void setWebhookSubscriptionId(String value) { webhooks.setWebhookSubscriptionId(value); }
    public void setWebhookUnsubscribePath(String value) { webhooks.setWebhookUnsubscribePath(value); }
    public void setWebhookUnsubscribeMethod(String value) { webhooks.setWebhookUnsubscribeMethod(value); }
    public void setWebhookUnsubscribeGone(String value) { webhooks.setWebhookUnsubscribeGone(value); }

    /** Never printed with its key. */
    @Override
    public String toString() {
        return "ProviderDefinition[" + connection.getBaseUrl() + "]";
    }
}
