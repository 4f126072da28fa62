package org.imagegen.provider.definition;

/**
 * The status call and how its answers and a fetched result are read (StatusReader). One section of a {@link
 * ProviderDefinition}; docs/adding-a-provider.md describes each property.
 */
public class StatusProperties {

    private String statusMethod;
    private String statusPath;
    private String statusOutcome;
    private String resultOutcome;
    private String resultAnswerStatuses;

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
}
