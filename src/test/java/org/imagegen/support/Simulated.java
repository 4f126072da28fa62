package org.imagegen.support;

import org.apache.camel.CamelContext;
import org.imagegen.provider.definition.DefinedProviders;

/**
 * The built-in simulator standing in for a provider, as the bundle binds it (&lt;provider&gt;Simulator) once its
 * context has started: after a test's fields are injected, so tests look it up in a {@code @BeforeEach}.
 */
public final class Simulated {

    private Simulated() {
    }

    public static <T> T simulator(CamelContext context, String provider, Class<T> type) {
        T simulator = context.getRegistry().lookupByNameAndType(DefinedProviders.simulatorBean(provider), type);
        if (simulator == null) {
            throw new IllegalStateException("no simulator stands in for " + provider
                    + " (its key is set, or imagegen.simulate=false)");
        }
        return simulator;
    }

    /** The same, in a bundle a test started and stops itself. */
    public static <T> T simulator(RunningBundle bundle, String provider, Class<T> type) {
        return simulator(bundle.context(), provider, type);
    }
}
