package org.imagegen.limit;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The limits a provider sets per API key, held across every instance sharing the job store:
 * {@code imagegen.providers.<name>.max-concurrent} (generations in flight at the provider: SUBMITTING, SUBMITTED or
 * RUNNING) and {@code imagegen.providers.<name>.creates-per-minute} (creates sent in any 60 s). Empty, or 0 for
 * max-concurrent: no limit. Plain Java; a bad value is refused when the bundle starts, naming its key.
 */
public final class ProviderLimits {

    static final String PREFIX = "imagegen.providers.";
    static final String MAX_CONCURRENT = ".max-concurrent";
    static final String CREATES_PER_MINUTE = ".creates-per-minute";

    private final Map<String, Integer> maxConcurrent;
    private final Map<String, Integer> createsPerMinute;

    private ProviderLimits(Map<String, Integer> maxConcurrent, Map<String, Integer> createsPerMinute) {
        this.maxConcurrent = maxConcurrent;
        this.createsPerMinute = createsPerMinute;
    }

    /** Whether {@code key} is one of these settings (which of the settings to read). */
    public static boolean isLimitSetting(String key) {
        return key.startsWith(PREFIX) && (key.endsWith(MAX_CONCURRENT) || key.endsWith(CREATES_PER_MINUTE));
    }

    /** The limits among {@code settings} (key to value; other keys are ignored, a blank value is no setting). */
    public static ProviderLimits of(Map<String, String> settings) {
        Map<String, Integer> concurrent = new TreeMap<>();
        Map<String, Integer> perMinute = new TreeMap<>();
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            String key = setting.getKey();
            String value = setting.getValue() == null ? "" : setting.getValue().strip();
            if (!isLimitSetting(key) || value.isEmpty()) {
                continue;
            }
            boolean isConcurrent = key.endsWith(MAX_CONCURRENT);
            String provider = key.substring(PREFIX.length(),
                    key.length() - (isConcurrent ? MAX_CONCURRENT : CREATES_PER_MINUTE).length());
            int limit = number(key, value, isConcurrent);
            if (limit > 0) {
                (isConcurrent ? concurrent : perMinute).put(provider, limit);
            }
        }
        return new ProviderLimits(Map.copyOf(concurrent), Map.copyOf(perMinute));
    }

    private static int number(String key, String value, boolean zeroAllowed) {
        int limit;
        try {
            limit = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a whole number");
        }
        if (limit < 0 || (limit == 0 && !zeroAllowed)) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a limit (a whole number, "
                    + (zeroAllowed ? "0 for none, or more" : "1 or more; empty for none") + ")");
        }
        return limit;
    }

    /** At most this many generations in flight at {@code provider}; null: no limit. */
    public Integer maxConcurrent(String provider) {
        return maxConcurrent.get(provider);
    }

    /** At most this many creates sent to {@code provider} in any 60 s; null: no limit. */
    public Integer createsPerMinute(String provider) {
        return createsPerMinute.get(provider);
    }

    /** Whether a create to {@code provider} is weighed against a limit at all. */
    public boolean applies(String provider) {
        return maxConcurrent.containsKey(provider) || createsPerMinute.containsKey(provider);
    }

    /** The providers with a limit (each needs its lock row). */
    public Set<String> providers() {
        Set<String> providers = new TreeSet<>(maxConcurrent.keySet());
        providers.addAll(createsPerMinute.keySet());
        return providers;
    }
}
