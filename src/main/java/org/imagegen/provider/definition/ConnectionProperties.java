package org.imagegen.provider.definition;

/**
 * Where the provider lives and how it is called: its API root, key and the hosts that may get the key or serve
 * images, the simulator that stands in for it, its key check and how long one call waits. One section of a {@link
 * ProviderDefinition}; docs/adding-a-provider.md describes each property.
 */
public class ConnectionProperties {

    private String baseUrl;
    private String apiKey;
    private String authHeader;
    private String authFormat;
    private String apiHosts;
    private String downloadHosts;
    private String simulator;
    private String keyCheckPath;
    private String responseTimeout;

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

    /** The built-in simulator that stands in for this provider when imagegen.simulate says so (e.g. bfl). */
    public String getSimulator() {
        return simulator;
    }

    public void setSimulator(String simulator) {
        this.simulator = simulator;
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
}
