package org.imagegen.support;

import org.apache.camel.spi.PropertiesFunction;

/**
 * {@code {{millis:imagegen.loop.tick}}}: a duration setting ({@code 50ms}, {@code 2s}) as a number of milliseconds,
 * for the Camel options that take one (file polling, HTTP timeouts, redelivery delays). Camel finds it by its name
 * through META-INF/services/org/apache/camel/properties-function/millis, so routes write durations one way and
 * settings are parsed by {@link Durations} alone.
 */
public final class MillisFunction extends SettingsPlugin implements PropertiesFunction {

    @Override
    public String getName() {
        return "millis";
    }

    @Override
    public String apply(String key) {
        return Long.toString(Settings.millis(getCamelContext(), key.strip()));
    }
}
