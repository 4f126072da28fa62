package org.imagegen.provider.definition;

import java.util.ArrayList;
import java.util.List;

import org.imagegen.provider.DownloadHosts;
import org.imagegen.provider.ProviderCall;

import static org.imagegen.provider.definition.DefinitionValues.blank;
import static org.imagegen.provider.definition.DefinitionValues.list;
import static org.imagegen.provider.definition.DefinitionValues.required;

/**
 * Where a defined provider lives and how it is called ({@link ConnectionProperties}): the URLs its calls go to
 * ({@link ProviderUrls}), the key and the header it travels in, the hosts its images may come from, how long a call
 * waits, and the call that checks the key. A built-in simulator standing in for the provider changes the base URL,
 * the key (then {@code simulated}) and adds the hosts it serves images from.
 */
final class DefinedConnection {

    private final ConnectionProperties d;
    private final ProviderUrls urls;
    private final boolean simulated;
    private final String apiKey;
    /** Hosts a simulator serves its images from, allowed besides downloadHosts; empty unless simulated. */
    private final List<String> simulatorImageHosts;
    /** responseTimeout in milliseconds, or null: the global imagegen.http.response-timeout. */
    private final Long responseTimeoutMs;

    /** {@code simulatorUrl}: the built-in simulator's base URL, or null when the provider itself is called. */
    DefinedConnection(String name, ConnectionProperties d, String simulatorUrl, List<String> simulatorImageHosts) {
        this.d = d;
        // required even when simulated: the definition must work once a key is set
        String configured = required(d.getBaseUrl(), "baseUrl");
        this.urls = new ProviderUrls(name, simulatorUrl != null ? simulatorUrl : configured, d.getApiHosts(),
                authHeader());
        this.simulated = simulatorUrl != null;
        this.apiKey = simulated ? "simulated" : d.getApiKey();
        this.simulatorImageHosts = List.copyOf(simulatorImageHosts);
        this.responseTimeoutMs = DefinitionValues.duration(d.getResponseTimeout(), "responseTimeout");
    }

    ProviderUrls urls() {
        return urls;
    }

    boolean simulated() {
        return simulated;
    }

    DownloadHosts downloadHosts() {
        List<String> hosts = new ArrayList<>(list(d.getDownloadHosts()));
        hosts.addAll(simulatorImageHosts);
        return new DownloadHosts(urls.baseUrl(), hosts);
    }

    long responseTimeoutMs(long fallbackMs) {
        return responseTimeoutMs == null ? fallbackMs : responseTimeoutMs;
    }

    /** authHeader: {@code Authorization} unless declared; blank declares none. */
    String authHeader() {
        String header = d.getAuthHeader();
        return header == null ? "Authorization" : blank(header) ? null : header.strip();
    }

    /** authFormat ({@code Bearer %s} unless declared) with the key. */
    String authValue() {
        String format = d.getAuthFormat();
        return (blank(format) ? "Bearer %s" : format).replace("%s", apiKey == null ? "" : apiKey.strip());
    }

    /** The GET at keyCheckPath, or null when the definition declares none. */
    ProviderCall keyCheckCall() {
        String path = d.getKeyCheckPath();
        return blank(path) ? null : urls.call("GET", urls.url(path.strip()), null, null);
    }
}
