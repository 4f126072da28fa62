package org.imagegen.provider;

/**
 * One HTTP call to a provider, built by its adapter and carried out by the provider's transport route
 * ({@code routes/providers/<provider>.camel.yaml}), which adds the API key only when {@code authenticated}.
 * {@code idempotencyKey} travels as an {@code Idempotency-Key} header on creates.
 */
public record ProviderCall(String provider, String method, String url, String body, boolean authenticated,
                           String idempotencyKey) {

    public boolean hasBody() {
        return body != null;
    }
}
