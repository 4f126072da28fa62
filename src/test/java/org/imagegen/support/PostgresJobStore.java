package org.imagegen.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code -Dimagegen.test.db=postgres}: every bundle a test class starts (RunningBundle or @CamelMainTest) keeps its
 * job store in PostgreSQL instead of H2, in a schema of its own per test class ({@link TestPostgres}: the real
 * server named by {@code imagegen.test.postgres}, else an embedded one). It sets {@code imagegen.db.*} as JVM system
 * properties, which Camel Main lets override config/application.properties (and the settings a test passes to
 * RunningBundle: a test with a database of its own reads {@code imagegen.db.url} back), for the duration of the class.
 * Registered for every test class through JUnit's extension auto-detection (src/test/resources); does nothing
 * without that property.
 */
public class PostgresJobStore implements BeforeAllCallback, AfterAllCallback {

    private static final String[] KEYS = {"imagegen.db.url", "imagegen.db.user", "imagegen.db.password"};

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!"postgres".equals(System.getProperty("imagegen.test.db"))) {
            return;
        }
        String name = context.getRequiredTestClass().getSimpleName().toLowerCase();
        System.setProperty("imagegen.db.url", TestPostgres.freshSchemaUrl("suite_" + name));
        System.setProperty("imagegen.db.user", TestPostgres.user());
        System.setProperty("imagegen.db.password", "");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if ("postgres".equals(System.getProperty("imagegen.test.db"))) {
            for (String key : KEYS) {
                System.clearProperty(key);
            }
        }
    }

    /**
     * For a test that runs bundles of its own beside the one its class started: under {@code -Dimagegen.test.db=postgres}
     * they would share the class's schema, and the class's bundle would take their jobs. Until closed, bundles started
     * get a fresh schema (with H2 each bundle's data folder already keeps them apart).
     */
    public static AutoCloseable ownSchema(String name) {
        String classSchema = System.getProperty("imagegen.db.url");
        if (!"postgres".equals(System.getProperty("imagegen.test.db")) || classSchema == null) {
            return () -> { };
        }
        System.setProperty("imagegen.db.url", TestPostgres.freshSchemaUrl("suite_" + name));
        return () -> System.setProperty("imagegen.db.url", classSchema);
    }
}
