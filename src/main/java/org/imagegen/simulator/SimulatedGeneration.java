package org.imagegen.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** One generation held by a simulator: its timing, its fate, and the faults still to inject on its checks. */
final class SimulatedGeneration {

    enum Fate { SUCCEED, FAIL, CENSOR, NEVER }

    final String id;
    final String jobKey;
    final String prompt;
    final List<String> imageIds = new ArrayList<>();
    final List<String> tags;
    final Object metaData;
    final Object params;
    final String processMode;
    final Scenario scenario;
    /** When it was created: lists show the newest first. */
    final long createdAt = System.currentTimeMillis();
    volatile long startedAt;
    volatile long durationMs;
    volatile Fate fate;
    volatile int attempt = 1;
    final AtomicInteger checks = new AtomicInteger();
    final AtomicInteger downloads = new AtomicInteger();

    SimulatedGeneration(String id, String jobKey, String prompt, List<String> tags, Object metaData, Object params,
                        String processMode, Scenario scenario) {
        this.id = id;
        this.jobKey = jobKey;
        this.prompt = prompt;
        this.tags = tags;
        this.metaData = metaData;
        this.params = params;
        this.processMode = processMode;
        this.scenario = scenario;
    }

    double progress(long now) {
        if (fate == Fate.NEVER) {
            return Math.min(0.9, (now - startedAt) / (double) Math.max(1, durationMs));
        }
        return (now - startedAt) / (double) Math.max(1, durationMs);
    }

    long completesAt() {
        return startedAt + durationMs;
    }

    boolean isFinished(long now) {
        return fate != Fate.NEVER && progress(now) >= 1.0;
    }
}
