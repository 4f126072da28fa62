package org.imagegen.simulator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a simulator made and counted, for the tests and the benchmark that ask it: its generations by image and by
 * job key, the creates (paid generations) per job key, and the generations whose every image was downloaded.
 */
final class GenerationCounts {

    private final Map<String, SimulatedGeneration> byImageId = new ConcurrentHashMap<>();
    private final Map<String, SimulatedGeneration> byJobKey = new ConcurrentHashMap<>();
    private final AtomicInteger fullyDownloaded = new AtomicInteger();
    private final Map<String, AtomicInteger> createsByJobKey = new ConcurrentHashMap<>();

    void register(SimulatedGeneration g) {
        g.imageIds.forEach(id -> byImageId.put(id, g));
        if (g.jobKey != null) {
            byJobKey.put(g.jobKey, g);
        }
    }

    SimulatedGeneration ofImage(String imageId) {
        return byImageId.get(imageId);
    }

    SimulatedGeneration ofJobKey(String jobKey) {
        return byJobKey.get(jobKey);
    }

    void countCreate(String jobKey) {
        createsByJobKey.computeIfAbsent(jobKey == null ? "(none)" : jobKey, k -> new AtomicInteger()).incrementAndGet();
    }

    void countDownload(SimulatedGeneration g) {
        if (g.downloads.incrementAndGet() == g.imageIds.size()) {
            fullyDownloaded.incrementAndGet();
        }
    }

    int createsFor(String jobKey) {
        AtomicInteger n = createsByJobKey.get(jobKey);
        return n == null ? 0 : n.get();
    }

    Map<String, Integer> createsByJobKey() {
        Map<String, Integer> copy = new ConcurrentHashMap<>();
        createsByJobKey.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    int totalCreates() {
        return createsByJobKey.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    int fullyDownloaded() {
        return fullyDownloaded.get();
    }
}
