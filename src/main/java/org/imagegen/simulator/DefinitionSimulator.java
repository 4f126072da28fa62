package org.imagegen.simulator;

import java.time.Duration;
import java.util.List;

/**
 * What the simulators of BFL, fal, Leonardo and Replicate share besides their images on another host name
 * ({@link ImageHostSimulator}): how long an image lasts after its generation finished, and the webhooks they post.
 */
public abstract class DefinitionSimulator extends ImageHostSimulator {

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
    public void close() {
        super.close();
        webhooks.close();
    }
}
