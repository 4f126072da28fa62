package org.imagegen.routing;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.StartupListener;
import org.apache.camel.spi.PropertiesComponent;
import org.imagegen.delivery.ResultFolders;
import org.imagegen.provider.ImageProvider;
import org.imagegen.spend.BudgetLedger;
import org.imagegen.provider.PacedProviders;
import org.imagegen.request.RequestValidator;
import org.imagegen.support.Durations;
import org.imagegen.support.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes over providers, from the settings: {@code imagegen.routes.<name>} (the steps),
 * {@code imagegen.providers.<name>.route} (a provider's default route), {@code imagegen.providers.<name>.capacity-failure}
 * (a failed status that means the provider gave up for capacity), {@code imagegen.routing.wait-budget},
 * {@code imagegen.routing.max-tries} and {@code imagegen.routing.down}. Binds {@code fallover}; the requests' validator
 * learns the routes, the manifests their attempts. The steps are checked against the providers once every provider
 * (the definitions in routes/providers/ too) has joined, as the context starts: a route naming an unknown one stops
 * the bundle, naming the setting.
 */
public final class RoutingConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RoutingConfiguration.class);
    private static final String ROUTES = "imagegen.routes.";
    private static final String PROVIDERS = "imagegen.providers.";
    private static final String DEFAULT_ROUTE = ".route";
    private static final String CAPACITY_FAILURE = ".capacity-failure";

    @PropertyInject("imagegen.routing.wait-budget")
    private String waitBudget;
    @PropertyInject("imagegen.routing.max-tries")
    private int maxTries;
    @PropertyInject(value = "imagegen.routing.down", defaultValue = "")
    private String down;

    /** Applied by BundleConfiguration once the providers, the validator and the result folders exist. */
    public Fallover bind(CamelContext context, DataSource dataSource, PacedProviders providers,
                         RequestValidator validator, ResultFolders resultFolders)
            throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        Map<String, String> routes = new LinkedHashMap<>();
        Map<String, String> defaults = new LinkedHashMap<>();
        Map<String, Pattern> gaveUp = new LinkedHashMap<>();
        for (String key : keys(properties, k -> k.startsWith(ROUTES))) {
            routes.put(key.substring(ROUTES.length()), value(properties, key));
        }
        for (String key : keys(properties, k -> k.startsWith(PROVIDERS) && k.endsWith(DEFAULT_ROUTE))) {
            defaults.put(key.substring(PROVIDERS.length(), key.length() - DEFAULT_ROUTE.length()), value(properties, key));
        }
        for (String key : keys(properties, k -> k.startsWith(PROVIDERS) && k.endsWith(CAPACITY_FAILURE))) {
            String pattern = value(properties, key);
            if (!pattern.isBlank()) {
                try {
                    gaveUp.put(key.substring(PROVIDERS.length(), key.length() - CAPACITY_FAILURE.length()),
                            Pattern.compile(pattern));
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException(key + ": not a regular expression: " + e.getMessage(), e);
                }
            }
        }
        ProviderRoutes providerRoutes = new ProviderRoutes(routes, defaults);
        Capacity capacity;
        try {
            capacity = new Capacity(Durations.parse(waitBudget.strip()), maxTries, new TreeSet<>(Settings.list(down)),
                    gaveUp);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("imagegen.routing: " + e.getMessage(), e);
        }
        Fallover fallover = new Fallover(providerRoutes, capacity, new Attempts(dataSource), providers,
                Clock.systemUTC());
        validator.setRoutes(providerRoutes);
        resultFolders.setAttempts(fallover::report);
        context.getRegistry().bind("fallover", fallover);
        context.getRegistry().bind("providerRoutes", providerRoutes); // the jobs page's route filter names them
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarting(CamelContext camelContext, boolean alreadyStarted) {
                // added after the definitions' listener: every provider has joined by now
                List<String> names = providers.providers().all().stream().map(ImageProvider::name).toList();
                providerRoutes.check(names);
                // the overall budget covers every provider, a route's budget the route's: each needs a price in
                // the currency, or a conversion to it
                BudgetLedger budgets = camelContext.getRegistry().lookupByNameAndType("budgetLedger",
                        BudgetLedger.class);
                if (budgets != null) {
                    budgets.budgets().checkCovered(names, route -> {
                        List<RouteStep> steps = providerRoutes.steps(route);
                        return steps == null ? null : steps.stream().map(RouteStep::provider).toList();
                    }, budgets.prices(), budgets.conversions());
                }
                if (!providerRoutes.names().isEmpty()) {
                    LOG.info("routes over providers: {}", providerRoutes.all());
                }
            }

            @Override
            public void onCamelContextStarted(CamelContext camelContext, boolean alreadyStarted) {
                // nothing more
            }
        });
        return fallover;
    }

    /** The keys set in config/application.properties, as overrides, or with -D, that {@code filter} accepts. */
    private static TreeSet<String> keys(PropertiesComponent properties, Predicate<String> filter) {
        TreeSet<String> keys = new TreeSet<>();
        Properties loaded = properties.loadProperties(filter::test);
        loaded.stringPropertyNames().forEach(keys::add);
        System.getProperties().stringPropertyNames().stream().filter(filter).forEach(keys::add);
        return keys;
    }

    private static String value(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).orElse("").strip();
    }
}
