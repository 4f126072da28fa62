package org.imagegen.provider.definition;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultRegistry;

/**
 * The bean names a provider definition may not take, read from the registry rather than kept by hand: every name
 * under which something other than a provider definition is bound (statusLoop, jobStore, intake, sinks, ...).
 * A route file's beans are bound by name, beside a bean of another type already there (Camel's registry keeps one bean
 * per name and type, and a lookup by name alone returns the first), or in place of it (a file loaded later unbinds
 * the name first). So the names are read twice: when the bundle's configuration has bound its last bean, and when
 * the definitions are read.
 */
public final class TakenNames {

    /** Names no bean holds but the bundle's routes use: routes/providers/defined-provider.camel.yaml. */
    private static final Set<String> ROUTE_NAMES = Set.of("defined-provider");

    private final Set<String> names = new TreeSet<>(ROUTE_NAMES);

    /** Records every name the registry holds a bean under that is not a provider definition. */
    public TakenNames recordBound(Registry registry) {
        if (registry instanceof DefaultRegistry bundle) {
            recordNames(bundle.getFallbackRegistry());
            recordNames(bundle.getSupplierRegistry());
        } else {
            recordNames(registry);
        }
        return this;
    }

    /** Whether the bundle's own beans or routes use the name. */
    public boolean contains(String name) {
        return names.contains(name);
    }

    private void recordNames(Object repository) {
        if (repository == null) {
            return;
        }
        // Camel's SimpleRegistry (the fallback and supplier registries of its DefaultRegistry): name -> type -> bean;
        // the types are read, not the beans, so no lazy bean is made here
        if (!(repository instanceof Map<?, ?> byName)) {
            throw new IllegalStateException("cannot list the bean names of " + repository.getClass().getName()
                    + ": the names provider definitions must not take are unknown");
        }
        byName.forEach((name, byType) -> {
            if (!(byType instanceof Map<?, ?> types)
                    || types.keySet().stream().anyMatch(type -> type != ProviderDefinition.class)) {
                names.add(String.valueOf(name));
            }
        });
    }
}
