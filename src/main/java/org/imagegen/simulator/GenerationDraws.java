package org.imagegen.simulator;

import java.util.Random;

/**
 * What a simulated generation's fate and duration are: what its prompt's scenario says, else drawn from the
 * configured rates and bounds with the simulator's seeded random, so a run can be repeated.
 */
final class GenerationDraws {

    private final SimulatorSettings settings;
    private final Random random;

    GenerationDraws(SimulatorSettings settings, Random random) {
        this.settings = settings;
        this.random = random;
    }

    /** The fate of a generation: its scenario's, else drawn at the configured failure and censor rates. */
    SimulatedGeneration.Fate fate(Scenario scenario, boolean firstAttempt) {
        if (scenario.never()) {
            return SimulatedGeneration.Fate.NEVER;
        }
        if (scenario.censor()) {
            return SimulatedGeneration.Fate.CENSOR;
        }
        if (scenario.fail() || (scenario.failOnce() && firstAttempt)) {
            return SimulatedGeneration.Fate.FAIL;
        }
        synchronized (random) {
            double roll = random.nextDouble();
            if (roll < settings.failureRate()) {
                return SimulatedGeneration.Fate.FAIL;
            }
            if (roll < settings.failureRate() + settings.censorRate()) {
                return SimulatedGeneration.Fate.CENSOR;
            }
        }
        return SimulatedGeneration.Fate.SUCCEED;
    }

    /** How long a generation takes: its scenario's duration, else drawn between the configured bounds. */
    long duration(Scenario scenario) {
        if (scenario.durationMs() != null) {
            return scenario.durationMs();
        }
        long min = settings.minDuration().toMillis();
        long max = Math.max(min, settings.maxDuration().toMillis());
        synchronized (random) {
            return min + (max == min ? 0 : (long) (random.nextDouble() * (max - min)));
        }
    }
}
