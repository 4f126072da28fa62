package org.imagegen.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.imagegen.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V17_1 on a store that has jobs from before V17: each job's route comes from its request's own "route", and a job
 * without one (even with a "route" key in its metadata) keeps none. On H2 and on PostgreSQL.
 */
class JobRouteMigrationTest {

    @Test
    void jobsAcceptedBeforeTheRouteColumnGetTheirRouteOnH2() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:route-migration-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        assertRoutesFilled(h2);
    }

    @Test
    void jobsAcceptedBeforeTheRouteColumnGetTheirRouteOnPostgres() throws Exception {
        PGSimpleDataSource postgres = new PGSimpleDataSource();
        postgres.setURL(TestPostgres.freshSchemaUrl("route_migration"));
        postgres.setUser(TestPostgres.user());
        assertRoutesFilled(postgres);
    }

    private static void assertRoutesFilled(DataSource store) throws Exception {
        Flyway.configure().dataSource(store).locations("classpath:db/migration").target("17").load().migrate();
        insert(store, "on-route", "{\"key\":\"on-route\",\"provider\":\"bfl\",\"prompt\":\"a\",\"metadata\":{},"
                + "\"model\":null,\"route\":\"fast\"}");
        insert(store, "on-provider", "{\"key\":\"on-provider\",\"provider\":\"bfl\",\"prompt\":\"b\","
                + "\"metadata\":{\"route\":\"not-a-route\"},\"model\":null,\"route\":null}");
        insert(store, "old-request", "{\"key\":\"old-request\",\"provider\":\"bfl\",\"prompt\":\"c\"}");

        Flyway.configure().dataSource(store).locations("classpath:db/migration").load().migrate();

        Map<String, String> routes = new HashMap<>();
        try (Connection c = store.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT job_key, route FROM job");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                routes.put(rs.getString(1), rs.getString(2));
            }
        }
        assertThat(routes).hasSize(3).containsEntry("on-route", "fast").containsEntry("on-provider", null)
                .containsEntry("old-request", null);
    }

    private static void insert(DataSource store, String key, String request) throws Exception {
        try (Connection c = store.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO job (job_key, provider, state, request_json, "
                     + "deadline_at, accepted_at, updated_at) VALUES (?, 'bfl', 'DELIVERED', ?, 0, 0, 0)")) {
            insert.setString(1, key);
            insert.setString(2, request);
            insert.executeUpdate();
        }
    }
}
