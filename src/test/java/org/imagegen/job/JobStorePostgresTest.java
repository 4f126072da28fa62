package org.imagegen.job;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.imagegen.support.TestPostgres;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The same contract on PostgreSQL, in a schema of its own per test: the real server named by
 * {@code -Dimagegen.test.postgres=jdbc:postgresql://127.0.0.1:5432/test} (.ci/run gives it when a server answers
 * there), otherwise an embedded PostgreSQL started by the test ({@link TestPostgres}). Claims on PostgreSQL take the
 * FOR UPDATE SKIP LOCKED path.
 */
class JobStorePostgresTest extends JobStoreContract {

    @Override
    protected DataSource freshDatabase() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(TestPostgres.freshSchemaUrl("jobstore_test"));
        dataSource.setUser(TestPostgres.user());
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return dataSource;
    }
}
