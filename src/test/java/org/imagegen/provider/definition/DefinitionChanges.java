package org.imagegen.provider.definition;

import java.util.function.Consumer;

/** A test's definition of one property: a working definition with that one property changed. */
final class DefinitionChanges {

    private DefinitionChanges() {
    }

    /** {@code definition} after {@code change}, for a test of the property the change sets. */
    static ProviderDefinition changed(ProviderDefinition definition, Consumer<ProviderDefinition> change) {
        change.accept(definition);
        return definition;
    }
}
