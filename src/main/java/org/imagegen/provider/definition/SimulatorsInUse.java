package org.imagegen.provider.definition;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.apache.camel.support.service.ServiceSupport;
import org.imagegen.simulator.ProviderSimulator;
import org.imagegen.simulator.Simulators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.imagegen.provider.definition.DefinitionValues.blank;

/**
 * The built-in simulators that stand in for defined providers, as {@code imagegen.simulate} says: {@code true}, every
 * definition that names a {@code simulator}; {@code auto}, those whose key is not set (and that want one);
 * {@code false}, none. A service of the context: the simulators stop when it stops, after its routes.
 */
final class SimulatorsInUse extends ServiceSupport implements Simulation {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatorsInUse.class);

    private final String mode;
    private final boolean allowImageHosts;
    private final Function<String, Optional<String>> setting;
    private final List<ProviderSimulator> started = new CopyOnWriteArrayList<>();
    private final Map<String, ProviderSimulator> byProvider = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param mode            imagegen.simulate: true, false or auto
     * @param allowImageHosts imagegen.simulator.allow-image-hosts: the simulators' image hosts join the download hosts
     * @param setting         a setting's value, if set (imagegen.simulator.*)
     */
    SimulatorsInUse(String mode, boolean allowImageHosts, Function<String, Optional<String>> setting) {
        this.mode = mode == null ? "auto" : mode.strip().toLowerCase(Locale.ROOT);
        this.allowImageHosts = allowImageHosts;
        this.setting = setting;
    }

    @Override
    public DefinedProvider provider(String name, ProviderDefinition d) {
        boolean noKey = blank(d.connection().getApiKey());
        boolean wantsKey = d.connection().getAuthHeader() == null || !d.connection().getAuthHeader().isBlank();
        boolean simulate = switch (mode) {
            case "true" -> true;
            case "false" -> false;
            default -> noKey && wantsKey;
        };
        if (!simulate) {
            return null;
        }
        ProviderSimulator simulator;
        try {
            simulator = Simulators.start(d.connection().getSimulator().strip(), Simulators.settings(setting, name));
            simulator.configure(key -> setting.apply("imagegen.simulator." + name + "." + key));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("provider definition '" + name + "': simulator: " + e.getMessage(), e);
        }
        started.add(simulator);
        byProvider.put(name, simulator);
        try {
            DefinedProvider provider = new DefinedProvider(name, d, simulator.baseUrl(),
                    allowImageHosts ? simulator.imageHosts() : List.of());
            LOG.info("{}: {} - using the built-in simulator at {}", name,
                    noKey ? "no API key" : "imagegen.simulate=true", simulator.baseUrl());
            return provider;
        } catch (RuntimeException e) {
            started.remove(simulator);
            byProvider.remove(name);
            simulator.close();
            throw e;
        }
    }

    /** The simulators running now (for tests and logs). */
    List<ProviderSimulator> started() {
        return List.copyOf(started);
    }

    /** The simulators running now, by the provider they stand in for. */
    Map<String, ProviderSimulator> byProvider() {
        return Map.copyOf(byProvider);
    }

    @Override
    protected void doStop() {
        for (ProviderSimulator simulator : started) {
            simulator.close();
        }
        started.clear();
        byProvider.clear();
    }
}
