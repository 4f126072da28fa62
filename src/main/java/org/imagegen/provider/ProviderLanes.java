package org.imagegen.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.spi.InflightRepository;
import org.apache.camel.spi.RouteTemplateParameterSource;
import org.imagegen.provider.definition.ProviderDefinition;

/**
 * One lane per provider: a route made from the template provider-lane (routes/status-loop.camel.yaml), where every
 * step that calls that provider runs on the lane's own bounded threads, so a slow provider fills its own lane and
 * never the status loop's workers or another provider's lane. Camel asks this source for the lanes while the
 * context initialises: after every route file was loaded (the definitions' beans among them), before any route
 * starts. A lane runs {@code imagegen.providers.<name>.max-in-flight} steps at once (else
 * {@code imagegen.loop.max-in-flight}); the others wait for a thread in its queue. {@link #full()} tells the status
 * loop which lanes take no claim now, so that it leaves their jobs unclaimed.
 */
public final class ProviderLanes implements RouteTemplateParameterSource {

    /** The route template every lane is made from. */
    public static final String TEMPLATE = "provider-lane";
    /** A lane's route id and direct: endpoint: provider-lane-&lt;provider&gt;. */
    public static final String PREFIX = TEMPLATE + "-";
    static final String GLOBAL_SETTING = "imagegen.loop.max-in-flight";
    static final String QUEUE_SETTING = "imagegen.loop.queue-size";
    static final String BATCH_SETTING = "imagegen.loop.batch";
    /** The status loop's route that hands claimed jobs to the lanes (routes/status-loop.camel.yaml). */
    static final String LOOP_ROUTE = "work-on-job";

    private final CamelContext context;
    /** Per provider: the steps in its lane and the loop's queue up to which its lane takes claims. */
    private final Map<String, Integer> room = new ConcurrentHashMap<>();

    private ProviderLanes(CamelContext context) {
        this.context = context;
    }

    /** Binds the lanes' source: a lane for every provider definition found when the context starts. */
    public static void bind(CamelContext context) {
        context.getRegistry().bind("providerLanes", new ProviderLanes(context));
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
        int queueSize = setting(QUEUE_SETTING);
        int batch = setting(BATCH_SETTING);
        room.put(provider, maxInFlight + queueSize);
        // room for a whole claim on top of what the lane takes claims at (see full())
        return Map.of(TEMPLATE_ID, TEMPLATE, "provider", provider, "maxInFlight", maxInFlight,
                "queueSize", queueSize + batch);
    }

    /**
     * The providers whose lanes take no claim now: more steps in the lane (running or waiting for a thread) and in
     * the loop's queue together than the lane's max-in-flight plus imagegen.loop.queue-size. The status loop claims
     * none of their jobs until there is room again. A lane with room takes a whole claim (imagegen.loop.batch) on
     * top of that, even if every claimed job is its own and every queued one too: a lane never overflows.
     */
    public Set<String> full() {
        int queued = loopQueue();
        Set<String> full = new TreeSet<>();
        InflightRepository inflight = context.getInflightRepository();
        room.forEach((provider, steps) -> {
            if (inflight.size(PREFIX + provider) + queued > steps) {
                full.add(provider);
            }
        });
        return full;
    }

    /** Claimed jobs waiting in the loop's queue for a worker (route work-on-job's seda queue). */
    private int loopQueue() {
        Route route = context.getRoute(LOOP_ROUTE);
        return route != null && route.getEndpoint() instanceof SedaEndpoint seda ? seda.getCurrentQueueSize() : 0;
    }

    private List<String> providers() {
        return new ArrayList<>(context.getRegistry().findByTypeWithName(ProviderDefinition.class).keySet());
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

    private int setting(String key) {
        String value = context.getPropertiesComponent().resolveProperty(key).map(String::strip)
                .orElseThrow(() -> new IllegalStateException("missing setting " + key
                        + " (config/application.properties)"));
        return positive(key, value);
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
