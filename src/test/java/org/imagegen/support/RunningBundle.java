package org.imagegen.support;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.imagegen.App;

/**
 * The bundle started the way App starts it (same routes/ and config/), with settings overridden like -D does;
 * for tests that stop it and start it again on the same folders.
 */
public final class RunningBundle implements AutoCloseable {

    private final Main main;

    private RunningBundle(Main main) {
        this.main = main;
    }

    public static RunningBundle start(String... properties) throws Exception {
        if (!PostgresJobStore.appliesToCurrentClass()) {
            throw new IllegalStateException("-Dimagegen.test.db=postgres but this test class has no "
                    + "@ExtendWith(PostgresJobStore.class): its bundle would keep its job store in H2");
        }
        Main main = new Main(App.class);
        main.setDefaultPropertyPlaceholderLocation(App.CONFIG);
        for (String property : properties) {
            int eq = property.indexOf('=');
            main.addOverrideProperty(property.substring(0, eq), property.substring(eq + 1));
        }
        main.start();
        return new RunningBundle(main);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
