package org.imagegen.simulator;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import com.sun.net.httpserver.HttpExchange;

/**
 * What the simulators of the provider definitions (BFL, fal, Leonardo, Replicate) share: the API on 127.0.0.1, the
 * images on another host name ({@link #IMAGE_HOST}, as the real services serve them from a CDN or bucket host), how
 * long an image lasts after its generation finished, the webhooks they post, and a record of every call received.
 */
public abstract class DefinitionSimulator extends ProviderSimulator {

    /** The image host: another host name than the API's (127.0.0.1), so downloads pass only by its listing. */
    public static final String IMAGE_HOST = "localhost";

    protected final ReceivedCalls received = new ReceivedCalls();
    protected final SimulatedWebhooks webhooks = new SimulatedWebhooks(getClass().getSimpleName() + "-webhooks");
    private final String keyHeader;
    private volatile Duration imageLifetime;

    /**
     * @param keyHeader the header the provider's key travels in (noted per call, see {@link #received()})
     * @param imageLifetime how long an image is served after its generation finished, unless a test sets another
     */
    protected DefinitionSimulator(SimulatorSettings settings, String keyHeader, Duration imageLifetime) {
        super(settings);
        this.keyHeader = keyHeader;
        this.imageLifetime = imageLifetime;
    }

    /** Every call received (with the host it was addressed to and whether it carried the key), every create's body. */
    public ReceivedCalls received() {
        return received;
    }

    /** The webhooks posted so far. */
    List<SimulatedWebhooks.Delivery> webhookDeliveries() {
        return webhooks.deliveries();
    }

    /** How long an image is served after its generation finished (shorter for tests). */
    public void setImageLifetime(Duration lifetime) {
        this.imageLifetime = lifetime;
    }

    protected Duration imageLifetime() {
        return imageLifetime;
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public List<String> imageHosts() {
        return List.of(IMAGE_HOST);
    }

    @Override
    protected final void handle(HttpExchange exchange, String method, String path) throws IOException {
        received.call(exchange, keyHeader);
        serve(exchange, method, path);
    }

    /** Answers one call (already noted in {@link #received()}). */
    protected abstract void serve(HttpExchange exchange, String method, String path) throws IOException;

    @Override
    public void close() {
        super.close();
        webhooks.close();
    }
}
