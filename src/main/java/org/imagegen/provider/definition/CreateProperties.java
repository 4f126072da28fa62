package org.imagegen.provider.definition;

/**
 * The create call and how its answers are read (DefinedCreate), with the error message of any answer. One section
 * of a {@link ProviderDefinition}; docs/adding-a-provider.md describes each property.
 */
public class CreateProperties {

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
    private String estimate;
    private String estimatePath;
    private String estimateCost;
    private String estimateBalance;
    private String errorMessage;

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

    /** Whether the estimate below is asked before each create ({@code true}, the default, or {@code false}). */
    public String getEstimate() {
        return estimate;
    }

    public void setEstimate(String estimate) {
        this.estimate = estimate;
    }

    /** The estimate call's path below the base URL (POSTed the create's body); blank: no estimate. */
    public String getEstimatePath() {
        return estimatePath;
    }

    public void setEstimatePath(String estimatePath) {
        this.estimatePath = estimatePath;
    }

    /** jq from a 2xx estimate answer to what the create will cost, in costUnit (required with estimatePath). */
    public String getEstimateCost() {
        return estimateCost;
    }

    public void setEstimateCost(String estimateCost) {
        this.estimateCost = estimateCost;
    }

    /** jq from a 2xx estimate answer to the balance left, in costUnit; blank: the balance is not checked. */
    public String getEstimateBalance() {
        return estimateBalance;
    }

    public void setEstimateBalance(String estimateBalance) {
        this.estimateBalance = estimateBalance;
    }
}
