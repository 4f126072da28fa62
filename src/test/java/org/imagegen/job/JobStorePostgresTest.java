package org.imagegen.job;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The same contract on a real PostgreSQL, in a schema of its own per test. Runs when
 * {@code -Dimagegen.test.postgres=jdbc:postgresql://127.0.0.1:5432/test} is given (.ci/run gives it when a
 * server answers there); the default suite needs no database server.
 */
@EnabledIfSystemProperty(named = "imagegen.test.postgres", matches = "jdbc:postgresql:.+")
class JobStorePostgresTest extends JobStoreContract {

    private static final List<String> SCHEMAS = new ArrayList<>();

    @Override
    protected DataSource freshDatabase() {
        String schema = "jobstore_test_" + System.nanoTime();
        SCHEMAS.add(schema);
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(System.getProperty("imagegen.test.postgres"));
        dataSource.setUser(System.getProperty("imagegen.test.postgres.user", "postgres"));
        dataSource.setCurrentSchema(schema);
        Flyway.configure().dataSource(dataSource).schemas(schema).locations("classpath:db/migration").load().migrate();
        return dataSource;
    }

    @AfterAll
    static void dropSchemas() throws Exception {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(System.getProperty("imagegen.test.postgres"));
        dataSource.setUser(System.getProperty("imagegen.test.postgres.user", "postgres"));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String schema : SCHEMAS) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }
}
