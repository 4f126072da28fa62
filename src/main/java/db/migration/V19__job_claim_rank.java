package db.migration;

import java.sql.Connection;
import java.sql.Statement;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The order in which the status loop claims due jobs, kept by the database itself: job.claim_rank is 0 for a
 * finished generation waiting for its download (its image URLs expire), 2 for a job still waiting for its create
 * (accepted, or held by a budget) and 1 for everything else that is due (checks, reconciliations); NULL for a job
 * that is never looked at again (no next_check_at), so the finished jobs, most of the table, stay out of every rank's
 * range of the index (H2 would read its NULLs at the start of the range). The index holds lease_until and the
 * provider too: the count of due jobs reads the index alone, and so does a claim that leaves out the providers whose
 * lanes are full, which otherwise reads the row of every due job of those providers to leave it. With the index on
 * (claim_rank, next_check_at) a claim reads, per rank, the due rows in the order it takes them and stops at its batch,
 * where ordering by the rank computed in the query made it read and sort every due row: 5.7 s a claim on H2 with a
 * backlog of 70,000 creates. A generated column, so no write of the job can forget it. In Java because the two
 * databases spell a stored generated column differently (PostgreSQL wants STORED, H2 refuses it).
 */
public class V19__job_claim_rank extends BaseJavaMigration {

    private static final String RANK = "CASE WHEN next_check_at IS NULL THEN NULL ELSE CASE state "
            + "WHEN 'SUCCEEDED' THEN 0 WHEN 'ACCEPTED' THEN 2 WHEN 'HELD_BUDGET' THEN 2 ELSE 1 END END";

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        boolean postgres = c.getMetaData().getDatabaseProductName().toUpperCase().contains("POSTGRESQL");
        try (Statement ddl = c.createStatement()) {
            ddl.execute("ALTER TABLE job ADD COLUMN claim_rank SMALLINT GENERATED ALWAYS AS (" + RANK + ")"
                    + (postgres ? " STORED" : ""));
            ddl.execute("CREATE INDEX job_claim ON job (claim_rank, next_check_at, lease_until, provider)");
        }
    }
}
