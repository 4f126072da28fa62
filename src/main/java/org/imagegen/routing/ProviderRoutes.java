package org.imagegen.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The operator's named routes over providers ({@code imagegen.routes.<name> = bfl, replicate:flux-dev, fal}) and the
 * providers' default routes ({@code imagegen.providers.<name>.route}). A job on a route starts at its first step and
 * moves to the next only when the provider it is at cannot take it ({@link Capacity}). Plain Java: built from the
 * settings' values, checked against the providers once they are all known.
 */
public class ProviderRoutes {

    /** How a request names a route where it names a provider: {@code "provider": "route:fast"}. */
    public static final String PREFIX = "route:";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    private final Map<String, List<RouteStep>> routes = new TreeMap<>();
    private final Map<String, String> defaults = new TreeMap<>();

    /**
     * {@code routes}: route name to its steps as written; {@code defaults}: provider name to the name of its default
     * route (blank: none). An error names the setting.
     */
    public ProviderRoutes(Map<String, String> routes, Map<String, String> defaults) {
        routes.forEach((name, written) -> {
            String key = "imagegen.routes." + name;
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(key + ": a route's name is 1 to 64 letters, digits, '-' or '_'");
            }
            List<RouteStep> steps = new ArrayList<>();
            for (String step : written == null ? new String[0] : written.split(",")) {
                if (step.isBlank()) {
                    continue;
                }
                try {
                    steps.add(RouteStep.parse(step));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
                }
            }
            if (steps.isEmpty()) {
                throw new IllegalArgumentException(key + ": a route names at least one provider (bfl, replicate, fal)");
            }
            this.routes.put(name, List.copyOf(steps));
        });
        defaults.forEach((provider, route) -> {
            if (route != null && !route.isBlank()) {
                this.defaults.put(provider, route.strip());
            }
        });
        defaults.forEach((provider, route) -> {
            String key = "imagegen.providers." + provider + ".route";
            String name = this.defaults.get(provider);
            if (name == null) {
                return;
            }
            List<RouteStep> steps = this.routes.get(name);
            if (steps == null) {
                throw new IllegalArgumentException(key + ": no route '" + name + "'; routes: " + this.routes.keySet());
            }
            if (!steps.get(0).provider().equals(provider)) {
                throw new IllegalArgumentException(key + ": route '" + name + "' starts at " + steps.get(0).provider()
                        + ", not at " + provider + ": a provider's default route starts with the provider itself");
            }
        });
    }

    /** Every step names a known provider; an error names the route's setting. Run once all providers are known. */
    public void check(Collection<String> providers) {
        Set<String> known = new TreeSet<>(providers);
        routes.forEach((name, steps) -> {
            for (RouteStep step : steps) {
                if (!known.contains(step.provider())) {
                    throw new IllegalArgumentException("imagegen.routes." + name + ": unknown provider '"
                            + step.provider() + "'; expected one of " + known);
                }
            }
        });
        defaults.keySet().forEach(provider -> {
            if (!known.contains(provider)) {
                throw new IllegalArgumentException("imagegen.providers." + provider + ".route: no provider '"
                        + provider + "'; expected one of " + known);
            }
        });
    }

    /** The steps of a route, or null when there is no route of that name. */
    public List<RouteStep> steps(String route) {
        return route == null ? null : routes.get(route);
    }

    /** The route a request for {@code provider} that names none goes on, or null. */
    public String defaultRoute(String provider) {
        return provider == null ? null : defaults.get(provider);
    }

    public Set<String> names() {
        return new TreeSet<>(routes.keySet());
    }

    /** Every route with its steps, as written (for logs and the docs' examples). */
    public Map<String, List<RouteStep>> all() {
        return new LinkedHashMap<>(routes);
    }
}
