package org.imagegen.provider.definition;

/**
 * Cancelling a generation when its job is cancelled. One section of a {@link ProviderDefinition}; docs/adding-a-
 * provider.md describes each property.
 */
public class CancelProperties {

    private String cancelMethod;
    private String cancelPath;
    private String cancelBody;

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

    /** Cancel: jq from {@code {id}} to the cancel call's body (a DELETE with a list of ids); blank: none. */
    public String getCancelBody() {
        return cancelBody;
    }

    public void setCancelBody(String cancelBody) {
        this.cancelBody = cancelBody;
    }
}
