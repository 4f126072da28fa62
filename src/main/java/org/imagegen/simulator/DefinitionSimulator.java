package org.imagegen.simulator;

import java.time.Duration;
import java.util.List;

/**
 * What the simulators of the provider definitions (BFL, fal, Leonardo, Replicate) share: the API on 127.0.0.1, the
 * images on another host name ({@link #IMAGE_HOST}, as the real services serve them from a CDN or bucket host), how
 * long an image lasts after its generation finished, and the webhooks they post.
 */
public abstract class DefinitionSimulator extends ProviderSimulator {

    /** The image host: another host name than the API's (127.0.0.1), so downloads pass only by its listing. */
    public static final String IMAGE_HOST = "localhost";

    protected final SimulatedWebhooks webhooks = new SimulatedWebhooks(getClass().getSimpleName() + "-webhooks");
    private volatile Duration imageLifetime;

    /** {@code imageLifetime}: how long an image is served after its generation finished, unless a test sets another. */
    protected DefinitionSimulator(SimulatorSettings settings, Duration imageLifetime) {
        super(settings);
        this.imageLifetime = imageLifetime;
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
    public void close() {
        super.close();
        webhooks.close();
    }
}
