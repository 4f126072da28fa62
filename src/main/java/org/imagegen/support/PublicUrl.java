package org.imagegen.support;

import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

/**
 * The base URL at which providers reach this bundle's webhook receivers: {@code imagegen.webhooks.public-url}, or
 * when it is blank {@code http://<imagegen.api.bind>:<the API server's port>}. Read when asked, not when built:
 * {@code imagegen.api.port} may be 0 (any free port), known only once the server listens.
 */
public final class PublicUrl implements Supplier<String> {

    private final CamelContext context;

    public PublicUrl(CamelContext context) {
        this.context = context;
    }

    @Override
    public String get() {
        String configured = Settings.required(context, "imagegen.webhooks.public-url");
        if (!configured.isBlank()) {
            return configured;
        }
        VertxPlatformHttpServer server = context.hasService(VertxPlatformHttpServer.class);
        int port = server != null ? server.getPort() : Integer.parseInt(Settings.required(context, "imagegen.api.port"));
        return "http://" + Settings.required(context, "imagegen.api.bind") + ":" + port;
    }
}
