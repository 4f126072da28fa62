package org.imagegen.support;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.apache.camel.Ordered;
import org.apache.camel.spi.PropertiesSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settings that were renamed, and the old names still honoured: the one table of them. Camel finds this source
 * through META-INF/services/org/apache/camel/properties-source-factory and asks it before config/ (its order is
 * lower than the files'), after -D, the environment and a test's properties.
 * <ul>
 * <li>A new name whose old name is set (by -D, the environment, a test or an older settings file) answers the old
 * value, with one WARN naming the new key: the old setting keeps working as it did.</li>
 * <li>An old name nobody set answers the new setting in its old form (milliseconds), so a route or tool that still
 * reads it gets what the new key says.</li>
 * </ul>
 * Most renamed keys are durations whose old names took a bare number of milliseconds: the nine in {@link #RENAMED},
 * and each sink's {@code timeout-ms} and {@code connect-timeout-ms} (now {@code timeout}, {@code connect-timeout}).
 * The others kept their values and changed only their prefix ({@link #RENAMED_PREFIXES}): imagegen.management.* is
 * imagegen.console.*, as camel.management.* is something else (health and metrics on the API port).
 */
public final class RenamedSettings extends SettingsPlugin implements PropertiesSource, Ordered {

    /** Old name to new name (docs/operating.md, "Renamed settings"). */
    public static final Map<String, String> RENAMED = Map.of(
            "imagegen.inbox.poll-ms", "imagegen.inbox.poll",
            "imagegen.inbox.stable-ms", "imagegen.inbox.stable",
            "imagegen.loop.tick-ms", "imagegen.loop.tick",
            "imagegen.events.poll-ms", "imagegen.events.poll",
            "imagegen.kafka.retry-delay-ms", "imagegen.kafka.retry-delay",
            "imagegen.rabbitmq.retry-delay-ms", "imagegen.rabbitmq.retry-delay",
            "imagegen.http.connect-timeout-ms", "imagegen.http.connect-timeout",
            "imagegen.http.response-timeout-ms", "imagegen.http.response-timeout",
            "imagegen.cluster.read-lock-release-ms", "imagegen.cluster.read-lock-release");

    /** Old prefix to new prefix, values as they were: the Hawtio and jobs-page port's settings. */
    public static final Map<String, String> RENAMED_PREFIXES = Map.of("imagegen.management.", "imagegen.console.");

    private static final Logger LOG = LoggerFactory.getLogger(RenamedSettings.class);
    private static final Map<String, String> OLD_BY_NEW = invert(RENAMED);
    private static final Map<String, String> OLD_PREFIX_BY_NEW = invert(RENAMED_PREFIXES);
    /** A sink's settings: imagegen.sinks.<name>.timeout-ms became ...timeout, connect-timeout-ms ...connect-timeout. */
    private static final Pattern SINK_NEW = Pattern.compile("imagegen\\.sinks\\.[A-Za-z0-9_-]+\\.(connect-)?timeout");
    private static final Pattern SINK_OLD = Pattern.compile("imagegen\\.sinks\\.[A-Za-z0-9_-]+\\.(connect-)?timeout-ms");

    /** Set while this source looks a key up itself: the nested lookup must see only what was really configured. */
    private final ThreadLocal<Boolean> looking = ThreadLocal.withInitial(() -> false);
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    @Override
    public String getName() {
        return "renamed-settings";
    }

    @Override
    public int getOrder() {
        // before the settings files (Camel numbers them from 100), after override properties, -D and the environment
        return 10;
    }

    @Override
    public String getProperty(String name) {
        if (getCamelContext() == null || looking.get()) {
            return null;
        }
        String old = oldName(name);
        if (old != null) {
            return configured(old).map(value -> {
                boolean asIs = renamedAsIs(old);
                if (warned.add(old)) {
                    if (asIs) {
                        // the value is not repeated: a password may be among these
                        LOG.warn("setting {} is renamed {}: write that name instead (the old name still works for now)",
                                old, name);
                    } else {
                        LOG.warn("setting {} is renamed {}: write {} = {} (the old name still works for now)", old,
                                name, name, asDuration(value));
                    }
                }
                return asIs ? value : asDuration(value);
            }).orElse(null);
        }
        String renamed = newName(name);
        if (renamed != null) {
            boolean asIs = renamedAsIs(name);
            return configured(renamed).map(value -> asIs ? value : Long.toString(Durations.millis(value)))
                    .orElse(null);
        }
        return null;
    }

    /** The old name of a renamed setting; null for any other. */
    static String oldName(String name) {
        String old = OLD_BY_NEW.get(name);
        if (old != null) {
            return old;
        }
        String byPrefix = withPrefixReplaced(name, OLD_PREFIX_BY_NEW);
        return byPrefix != null ? byPrefix : SINK_NEW.matcher(name).matches() ? name + "-ms" : null;
    }

    /** The new name of an old setting; null for any other. */
    static String newName(String name) {
        String renamed = RENAMED.get(name);
        if (renamed != null) {
            return renamed;
        }
        String byPrefix = withPrefixReplaced(name, RENAMED_PREFIXES);
        return byPrefix != null ? byPrefix
                : SINK_OLD.matcher(name).matches() ? name.substring(0, name.length() - "-ms".length()) : null;
    }

    /** Whether an old name was renamed by its prefix alone, its value kept as it was (not a duration). */
    private static boolean renamedAsIs(String oldName) {
        return withPrefixReplaced(oldName, RENAMED_PREFIXES) != null;
    }

    /** {@code name} with the first of {@code prefixes} it starts with replaced by its value; null if none. */
    private static String withPrefixReplaced(String name, Map<String, String> prefixes) {
        for (Map.Entry<String, String> prefix : prefixes.entrySet()) {
            if (name.startsWith(prefix.getKey())) {
                return prefix.getValue() + name.substring(prefix.getKey().length());
            }
        }
        return null;
    }

    private Optional<String> configured(String key) {
        looking.set(true);
        try {
            return getCamelContext().getPropertiesComponent().resolveProperty(key).map(String::strip);
        } finally {
            looking.set(false);
        }
    }

    /** A bare number in the old settings meant milliseconds. */
    private static String asDuration(String value) {
        return value.matches("\\d+") ? value + "ms" : value;
    }

    private static Map<String, String> invert(Map<String, String> map) {
        Map<String, String> inverted = new ConcurrentHashMap<>();
        map.forEach((k, v) -> inverted.put(v, k));
        return Map.copyOf(inverted);
    }
}
