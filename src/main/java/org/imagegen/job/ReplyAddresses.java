package org.imagegen.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The reply destinations of queued requests (JMSReplyTo and its correlation id), one row per job in job_reply,
 * written in the transaction that inserts the job; PendingJobEvents reads them when the job's result is published.
 */
final class ReplyAddresses {

    private ReplyAddresses() {
    }

    /** A queued request's reply destination, in the transaction that inserts its job; nothing when it named none. */
    static void insert(Connection c, Job job) throws SQLException {
        ReplyAddress reply = job.getReplyTo();
        if (reply == null) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO job_reply (job_key, destination, correlation_id) VALUES (?, ?, ?)")) {
            insert.setString(1, job.getKey());
            insert.setString(2, reply.destination());
            insert.setString(3, reply.correlationId());
            insert.executeUpdate();
        }
    }
}
