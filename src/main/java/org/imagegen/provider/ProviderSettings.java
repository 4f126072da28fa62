package org.imagegen.provider;

import java.net.URI;

/**
 * Where a provider lives and how the bundle treats it: the base URL (the real service, or the local simulator)
 * and the retry policy for generations the provider reports as failed.
 */
public record ProviderSettings(String name, String baseUrl, String apiKey, int maxProviderRetries,
                               String updateBeforeRetry) {

    public ProviderSettings {
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** Never printed: a record's generated toString would show the key. */
    @Override
    public String toString() {
        return "ProviderSettings[" + name + ", " + baseUrl + "]";
    }

    /** A call to {@code url} that carries the API key only when the URL is the provider's own origin. */
    public ProviderCall call(String method, String url, String body) {
        return new ProviderCall(name, method, url, body, isOwnOrigin(url), null);
    }

    /** The API key is only ever sent to the provider's own origin, never to a CDN or a URL from a payload. */
    public boolean isOwnOrigin(String url) {
        try {
            URI base = URI.create(baseUrl);
            URI target = URI.create(url);
            return base.getScheme().equalsIgnoreCase(target.getScheme())
                    && base.getHost().equalsIgnoreCase(target.getHost())
                    && base.getPort() == target.getPort();
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }
}
