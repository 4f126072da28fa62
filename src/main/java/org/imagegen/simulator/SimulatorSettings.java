package org.imagegen.simulator;

import java.time.Duration;

/**
 * How a simulator behaves: how long generations take (uniform between min and max), how often they fail or are
 * censored, how often a status check answers 429/503 or slowly, and the API key it expects (blank = any key).
 * {@code imageSize} is the width and height of the images in pixels. A prompt can also steer its own generation
 * with directives, see {@link Scenario}.
 */
public record SimulatorSettings(int port, Duration minDuration, Duration maxDuration, double failureRate,
                                double censorRate, double transientErrorRate, double slowRate, Duration slowDelay,
                                String apiKey, long seed, int imageSize) {

    public static final int DEFAULT_IMAGE_SIZE = 384;

    public static SimulatorSettings quick() {
        return new SimulatorSettings(0, Duration.ofMillis(200), Duration.ofMillis(400), 0, 0, 0, 0,
                Duration.ZERO, "", 42, DEFAULT_IMAGE_SIZE);
    }
}
