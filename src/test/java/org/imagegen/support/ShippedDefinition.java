package org.imagegen.support;

import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.imagegen.App;
import org.imagegen.provider.definition.DefinedProvider;
import org.imagegen.provider.definition.ProviderDefinition;

/**
 * A provider definition as shipped, for tests without a running bundle: routes/providers/&lt;name&gt;.camel.yaml read
 * by Camel's own YAML loader with config/application.properties (and {@code settings} over it), as the bundle reads
 * it, and made into the provider the bundle would call.
 */
public final class ShippedDefinition {

    private ShippedDefinition() {
    }

    /** The definition bean of {@code routes/providers/<name>.camel.yaml}, its placeholders resolved. */
    public static ProviderDefinition definition(String name, String... settings) {
        CamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation(App.CONFIG);
        Properties overrides = new Properties();
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            overrides.setProperty(setting.substring(0, eq), setting.substring(eq + 1));
        }
        context.getPropertiesComponent().setOverrideProperties(overrides);
        context.build();
        try {
            PluginHelper.getRoutesLoader(context).loadRoutes(
                    ResourceHelper.resolveResource(context, "file:routes/providers/" + name + ".camel.yaml"));
        } catch (Exception e) {
            throw new IllegalStateException("cannot load routes/providers/" + name + ".camel.yaml", e);
        }
        ProviderDefinition definition = context.getRegistry().lookupByNameAndType(name, ProviderDefinition.class);
        if (definition == null) {
            throw new IllegalStateException("routes/providers/" + name + ".camel.yaml declares no definition " + name);
        }
        return definition;
    }

    /** As {@link #definition(String, String...)}, the settings as a map. */
    public static ProviderDefinition definition(String name, java.util.Map<String, String> settings) {
        return definition(name, settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .toArray(String[]::new));
    }

    /** As {@link #provider(String, String...)}, the settings as a map. */
    public static DefinedProvider provider(String name, java.util.Map<String, String> settings) {
        return new DefinedProvider(name, definition(name, settings));
    }

    /** The provider the bundle makes of it, calling the definition's base URL (never a simulator). */
    public static DefinedProvider provider(String name, String... settings) {
        return new DefinedProvider(name, definition(name, settings));
    }
}
