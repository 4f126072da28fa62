package org.imagegen.support;

import java.util.function.Supplier;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh job store with the shipped migrations applied, handed out as new data sources on it: each one has its own
 * connections, as each instance sharing a store has (tests of races between instances).
 */
public final class MigratedStores {

    private MigratedStores() {
    }

    /** An in-memory H2 store of its own ({@code name} starts its database's name). */
    public static Supplier<DataSource> h2(String name) {
        String url = "jdbc:h2:mem:" + name + "-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        return migrated(() -> {
            JdbcDataSource dataSource = new JdbcDataSource();
            dataSource.setURL(url);
            return dataSource;
        });
    }

    /**
     * A schema of its own on PostgreSQL ({@link TestPostgres}: the server -Dimagegen.test.postgres names, else an
     * embedded one; {@code prefix} starts the schema's name).
     */
    public static Supplier<DataSource> postgres(String prefix) {
        String url = TestPostgres.freshSchemaUrl(prefix);
        return migrated(() -> {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setURL(url);
            dataSource.setUser(TestPostgres.user());
            return dataSource;
        });
    }

    /**
     * {@code database} "h2" or "postgres", for a test run on both: an H2 store named after {@code name}, or a schema on
     * PostgreSQL that {@code name} starts.
     */
    public static Supplier<DataSource> of(String database, String name) {
        return switch (database) {
            case "h2" -> h2(name);
            case "postgres" -> postgres(name);
            default -> throw new IllegalArgumentException("no such test database: " + database);
        };
    }

    private static Supplier<DataSource> migrated(Supplier<DataSource> store) {
        migrate(store.get());
        return store;
    }

    /** Applies the shipped migrations that {@code store} has not had yet; returns how many that was. */
    public static int migrate(DataSource store) {
        return Flyway.configure().dataSource(store).locations("classpath:db/migration").load().migrate()
                .migrationsExecuted;
    }
}
