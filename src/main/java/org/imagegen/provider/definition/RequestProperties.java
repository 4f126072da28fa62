package org.imagegen.provider.definition;

/**
 * What a request may ask for, and the model it resolves to (RequestRules, RequestProblems). One section of a {@link
 * ProviderDefinition}; docs/adding-a-provider.md describes each property.
 */
public class RequestProperties {

    private String model;
    private String modelOption;
    private String aspectRatios;
    private String maxCount;
    private String maxPrompt;
    private String unsupportedFields;
    private String options;
    private String requestProblems;

    /** The model sent when a request names none (its top-level model, or options.model when allowed). */
    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    /** The option whose value is the request's model when it names none at the top level (default {@code model}). */
    public String getModelOption() {
        return modelOption;
    }

    public void setModelOption(String modelOption) {
        this.modelOption = modelOption;
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
}
