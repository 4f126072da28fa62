package org.imagegen.support;

import org.apache.camel.CamelContext;

/** The bundle's settings as Camel resolves them: config/application.properties, overridden by -D and environment. */
public final class Settings {

    private Settings() {
    }

    /** A setting every shipped configuration has; its value without surrounding blanks. */
    public static String required(CamelContext context, String key) {
        return context.getPropertiesComponent().resolveProperty(key)
                .orElseThrow(() -> new IllegalStateException("missing setting " + key
                        + " (config/application.properties)"))
                .strip();
    }
}
