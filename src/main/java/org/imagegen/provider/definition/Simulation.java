package org.imagegen.provider.definition;

/** Decides whether a built-in simulator stands in for a defined provider, and if so starts it. */
interface Simulation {

    /** The provider calling its simulator, or null when the definition is called at its baseUrl. */
    DefinedProvider provider(String name, ProviderDefinition definition);
}
