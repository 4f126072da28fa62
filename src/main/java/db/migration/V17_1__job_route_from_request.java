package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Fills V17's job.route for the jobs accepted before it, from the route their request named (request_json's top-level
 * "route"), so the jobs page's route filter finds them too. In Java because reading a JSON field is not written the
 * same way on H2 and PostgreSQL; Flyway finds it beside the SQL migrations (its package is their folder) and runs it
 * once, after V17. Only rows whose request mentions a route are read.
 */
public class V17_1__job_route_from_request extends BaseJavaMigration {

    private static final int BATCH = 500;

    @Override
    public void migrate(Context context) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Connection c = context.getConnection();
        try (PreparedStatement select = c.prepareStatement(
                     "SELECT job_key, request_json FROM job WHERE route IS NULL AND request_json LIKE ?");
             PreparedStatement update = c.prepareStatement("UPDATE job SET route = ? WHERE job_key = ?")) {
            select.setString(1, "%\"route\"%");
            select.setFetchSize(BATCH); // PostgreSQL reads the rows in chunks rather than all at once
            int pending = 0;
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    JsonNode route = json.readTree(rs.getString(2)).path("route");
                    if (route.isTextual() && !route.asText().isBlank()) {
                        update.setString(1, route.asText());
                        update.setString(2, rs.getString(1));
                        update.addBatch();
                        if (++pending == BATCH) {
                            update.executeBatch();
                            pending = 0;
                        }
                    }
                }
            }
            if (pending > 0) {
                update.executeBatch();
            }
        }
    }
}
