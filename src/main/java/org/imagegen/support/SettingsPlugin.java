package org.imagegen.support;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;

/**
 * A settings plugin that Camel finds through its META-INF/services file ({@link MillisFunction},
 * {@link RenamedSettings}): Camel creates it by its class and hands it the context, through which it reads the other
 * settings. Null until Camel has set it.
 */
abstract class SettingsPlugin implements CamelContextAware {

    private CamelContext context;

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.context = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }
}
