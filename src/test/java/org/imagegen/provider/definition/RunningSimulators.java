package org.imagegen.provider.definition;

import org.apache.camel.CamelContext;
import org.imagegen.provider.Providers;
import org.imagegen.simulator.ProviderSimulator;

/**
 * The built-in simulator that stands in for a defined provider in a running bundle, for tests that count what it
 * received (creates per job key, calls to its image host).
 */
public final class RunningSimulators {

    private RunningSimulators() {
    }

    /** The simulator the provider named {@code provider} calls; fails when none stands in for it. */
    public static <T extends ProviderSimulator> T of(CamelContext context, String provider, Class<T> type) {
        Providers providers = context.getRegistry().lookupByNameAndType("providers", Providers.class);
        DefinedProvider defined = (DefinedProvider) providers.get(provider);
        SimulatorsInUse inUse = context.hasService(SimulatorsInUse.class);
        if (inUse == null) {
            throw new IllegalStateException("no simulators run in this context");
        }
        return inUse.started().stream().filter(s -> s.baseUrl().equals(defined.baseUrl())).map(type::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("no simulator stands in for " + provider));
    }
}
