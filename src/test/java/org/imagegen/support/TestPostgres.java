package org.imagegen.support;

import java.sql.Connection;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL for tests: the real server named by {@code -Dimagegen.test.postgres=jdbc:postgresql://…} (what .ci/run
 * passes when one answers on 127.0.0.1:5432), otherwise an embedded one (zonky) started once per JVM on a free
 * loopback port. Every caller gets a schema of its own, so tests never see each other's rows.
 */
public final class TestPostgres {

    private static EmbeddedPostgres embedded;
    private static final java.util.List<String> SCHEMAS = new java.util.ArrayList<>();

    static {
        // the real server keeps what tests leave: drop their schemas when the test JVM ends
        Runtime.getRuntime().addShutdownHook(new Thread(TestPostgres::dropSchemas));
    }

    private TestPostgres() {
    }

    /** The server's JDBC URL, without a schema. */
    public static synchronized String serverUrl() {
        String configured = System.getProperty("imagegen.test.postgres", "");
        if (configured.startsWith("jdbc:postgresql:")) {
            return configured;
        }
        if (embedded == null) {
            try {
                embedded = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start an embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(TestPostgres::stopEmbedded));
        }
        return embedded.getJdbcUrl("postgres", "postgres");
    }

    public static String user() {
        return System.getProperty("imagegen.test.postgres.user", "postgres");
    }

    /** Creates an empty schema and returns a JDBC URL whose connections use it. */
    public static String freshSchemaUrl(String prefix) {
        String schema = prefix + "_" + System.nanoTime();
        String url = serverUrl();
        try (Connection c = java.sql.DriverManager.getConnection(url, user(), "");
             Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            synchronized (SCHEMAS) {
                SCHEMAS.add(schema);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create schema " + schema + " on " + url, e);
        }
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private static void dropSchemas() {
        if (embedded != null) {
            return;
        }
        synchronized (SCHEMAS) {
            try (Connection c = java.sql.DriverManager.getConnection(serverUrl(), user(), "");
                 Statement s = c.createStatement()) {
                for (String schema : SCHEMAS) {
                    s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                }
            } catch (Exception ignored) {
                // best effort: a schema left behind holds only test rows
            }
        }
    }

    private static synchronized void stopEmbedded() {
        try {
            if (embedded != null) {
                embedded.close();
            }
        } catch (Exception ignored) {
            // the JVM is exiting
        }
    }
}
