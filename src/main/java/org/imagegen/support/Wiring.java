package org.imagegen.support;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelBeanPostProcessor;
import org.apache.camel.support.PluginHelper;

/**
 * Applies a package's configuration object with Camel's own bean post-processor, as Camel Main applies a
 * configuration class: its {@code @PropertyInject} and {@code @BeanInject} fields are filled, then its
 * {@code @BindToRegistry} methods bind their beans.
 * <p>
 * Why not let Camel Main discover them: it finds every CamelConfiguration under org.imagegen and post-processes them
 * all, in no set order, before it configures any; the bundle's pieces depend on one another (the job store before
 * the cluster's read locks, the providers before the sinks and the API), so BundleConfiguration applies them in that
 * order, one call each.
 */
public final class Wiring {

    private Wiring() {
    }

    public static <T> T apply(CamelContext context, T configuration) throws Exception {
        CamelBeanPostProcessor processor = PluginHelper.getBeanPostProcessor(context);
        String name = configuration.getClass().getName();
        processor.postProcessBeforeInitialization(configuration, name);
        processor.postProcessAfterInitialization(configuration, name);
        return configuration;
    }
}
