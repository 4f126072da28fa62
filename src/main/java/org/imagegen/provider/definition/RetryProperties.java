package org.imagegen.provider.definition;

/**
 * Provider-side retry of a failed generation, in place (ProviderRetry). One section of a {@link
 * ProviderDefinition}; docs/adding-a-provider.md describes each property.
 */
public class RetryProperties {

    private String retryPath;
    private String retryMethod;
    private String retryMax;
    private String retryUpdatePath;
    private String retryUpdateMethod;
    private String retryUpdateBody;

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
}
