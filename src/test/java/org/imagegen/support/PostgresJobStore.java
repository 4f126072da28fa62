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
 * Each test class that starts a bundle says so with {@code @ExtendWith(PostgresJobStore.class)}, rather than JUnit's
 * extension auto-detection changing every class unseen; {@link RunningBundle} refuses to start a bundle under
 * {@code -Dimagegen.test.db=postgres} when the class forgot it, so that no class silently stays on H2. Does nothing
 * without that property.
 */
public class PostgresJobStore implements BeforeAllCallback, AfterAllCallback {

    private static final String MODE = "imagegen.test.db";
    private static final String[] KEYS = {"imagegen.db.url", "imagegen.db.user", "imagegen.db.password"};

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!active()) {
            return;
        }
        String name = context.getRequiredTestClass().getSimpleName().toLowerCase();
        System.setProperty("imagegen.db.url", TestPostgres.freshSchemaUrl("suite_" + name));
        System.setProperty("imagegen.db.user", TestPostgres.user());
        System.setProperty("imagegen.db.password", "");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (active()) {
            for (String key : KEYS) {
                System.clearProperty(key);
            }
        }
    }

    /** Whether this run keeps every bundle's job store in PostgreSQL. */
    static boolean active() {
        return "postgres".equals(System.getProperty(MODE));
    }

    /** Whether the running test class asked for it (its schema is set), or whether it need not. */
    static boolean appliesToCurrentClass() {
        return !active() || System.getProperty("imagegen.db.url") != null;
    }

    /**
     * For a test that runs bundles of its own beside the one its class started: under {@code -Dimagegen.test.db=postgres}
     * they would share the class's schema, and the class's bundle would take their jobs. Until closed, bundles started
     * get a fresh schema (with H2 each bundle's data folder already keeps them apart).
     */
    public static AutoCloseable ownSchema(String name) {
        String classSchema = System.getProperty("imagegen.db.url");
        if (!active() || classSchema == null) {
            return () -> { };
        }
        System.setProperty("imagegen.db.url", TestPostgres.freshSchemaUrl("suite_" + name));
        return () -> System.setProperty("imagegen.db.url", classSchema);
    }
}
