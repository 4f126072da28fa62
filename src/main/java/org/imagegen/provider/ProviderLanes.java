package org.imagegen.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.InflightRepository;
import org.apache.camel.spi.RouteTemplateParameterSource;
import org.imagegen.provider.definition.ProviderDefinition;

/**
 * One lane per provider: a route made from the template provider-lane (routes/status-loop.camel.yaml), where every
 * step that calls that provider runs on the lane's own bounded threads, so a slow provider fills its own lane and
 * never the status loop's workers or another provider's lane. Camel asks this source for the lanes while the
 * context initialises: after every route file was loaded (the definitions' beans among them), before any route
 * starts. A lane runs {@code imagegen.providers.<name>.max-in-flight} steps at once (else
 * {@code imagegen.loop.max-in-flight}) and holds {@code imagegen.loop.lane-queue-size} more waiting for a thread;
 * {@link #full()} tells the status loop which lanes have no room, so that it leaves their jobs unclaimed.
 */
public final class ProviderLanes implements RouteTemplateParameterSource {

    /** The route template every lane is made from. */
    public static final String TEMPLATE = "provider-lane";
    /** A lane's route id and direct: endpoint: provider-lane-&lt;provider&gt;. */
    public static final String PREFIX = TEMPLATE + "-";
    static final String GLOBAL_SETTING = "imagegen.loop.max-in-flight";
    static final String QUEUE_SETTING = "imagegen.loop.lane-queue-size";

    private final CamelContext context;
    private final List<String> builtIn;
    /** Per provider: the steps its lane holds at most, running and waiting. */
    private final Map<String, Integer> capacity = new ConcurrentHashMap<>();

    private ProviderLanes(CamelContext context, List<String> builtIn) {
        this.context = context;
        this.builtIn = List.copyOf(builtIn);
    }

    /** Binds the lanes' source, for the built-in providers and every definition found when the context starts. */
    public static void bind(CamelContext context, List<String> builtIn) {
        context.getRegistry().bind("providerLanes", new ProviderLanes(context, builtIn));
    }

    @Override
    public Set<String> routeIds() {
        Set<String> ids = new TreeSet<>();
        providers().forEach(p -> ids.add(PREFIX + p));
        return ids;
    }

    @Override
    public Map<String, Object> parameters(String routeId) {
        String provider = routeId.substring(PREFIX.length());
        int maxInFlight = maxInFlight(provider);
        int queueSize = queueSize();
        capacity.put(provider, maxInFlight + queueSize);
        return Map.of(TEMPLATE_ID, TEMPLATE, "provider", provider, "maxInFlight", maxInFlight,
                "queueSize", queueSize);
    }

    /**
     * The providers whose lanes have no room: as many steps in the lane (running or waiting for a thread) as its
     * threads and queue hold. The status loop claims none of their jobs until there is room again.
     */
    public Set<String> full() {
        Set<String> full = new TreeSet<>();
        InflightRepository inflight = context.getInflightRepository();
        capacity.forEach((provider, room) -> {
            if (inflight.size(PREFIX + provider) >= room) {
                full.add(provider);
            }
        });
        return full;
    }

    private List<String> providers() {
        List<String> names = new ArrayList<>(builtIn);
        names.addAll(context.getRegistry().findByTypeWithName(ProviderDefinition.class).keySet());
        return names;
    }

    /** The provider's own setting, else the global one; a positive whole number, or an error naming the setting. */
    int maxInFlight(String provider) {
        String key = "imagegen.providers." + provider + ".max-in-flight";
        var properties = context.getPropertiesComponent();
        String value = properties.resolveProperty(key).map(String::strip).filter(v -> !v.isEmpty())
                .orElse(null);
        if (value == null) {
            key = GLOBAL_SETTING;
            value = properties.resolveProperty(key).map(String::strip).orElseThrow(() -> new IllegalStateException(
                    "missing setting " + GLOBAL_SETTING + " (config/application.properties)"));
        }
        return positive(key, value);
    }

    private int queueSize() {
        String value = context.getPropertiesComponent().resolveProperty(QUEUE_SETTING).map(String::strip)
                .orElseThrow(() -> new IllegalStateException("missing setting " + QUEUE_SETTING
                        + " (config/application.properties)"));
        return positive(QUEUE_SETTING, value);
    }

    static int positive(String key, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(key + ": '" + value + "' is not a whole number of calls above 0");
    }
}
