package org.imagegen.provider.webhook;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of accepted deliveries, kept as long as a delivery with that id could still pass the timestamp check
 * ({@code ttl}: twice the tolerance, since a timestamp may be that far on either side of now), and at most
 * {@code capacity} of them: when full, the oldest goes first. A replay that outlives its entry is refused by its
 * stale timestamp; one that finds its entry evicted early by a flood costs one status check, nothing more.
 */
public final class ReplayGuard {

    private final long ttl;
    private final int capacity;
    /** id -> when it expires; insertion order is expiry order, since every entry lives equally long */
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    public ReplayGuard(long ttl, int capacity) {
        if (ttl <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("a replay guard needs a positive lifetime and capacity");
        }
        this.ttl = ttl;
        this.capacity = capacity;
    }

    /** Records {@code id} and answers true, or answers false when it was recorded already and has not expired. */
    public synchronized boolean firstTime(String id, long now) {
        for (Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue() > now) {
                break;
            }
            it.remove();
        }
        if (seen.containsKey(id)) {
            return false;
        }
        if (seen.size() >= capacity) {
            Iterator<String> oldest = seen.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        seen.put(id, now + ttl);
        return true;
    }

    public synchronized int size() {
        return seen.size();
    }
}
