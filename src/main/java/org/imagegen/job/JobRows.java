package org.imagegen.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.request.GenerationRequest;
import org.imagegen.support.NullableColumns;

/**
 * A job row and its history rows, to and from {@link Job}: the one place that knows the job table's columns, shared
 * by the write side ({@link JobStore}) and the read side ({@link JobQueries}).
 */
final class JobRows {

    static final String COLUMNS = "job_key, provider, state, request_json, source, provider_job_id, "
            + "create_attempts, provider_retries, checks, transient_errors, delivery_attempts, next_check_at, "
            + "deadline_at, accepted_at, completed_at, reason, image_urls_json, lease_owner, submitted_at, "
            + "cost_amount, cost_unit, route";
    /** What a job is read with: its columns, and the status URL and progress (written only when they change). */
    static final String READ_COLUMNS = COLUMNS + ", status_url, queue_position, progress, cost_source, cost_model, "
            + "updated_at";

    private final ObjectMapper json;

    JobRows(ObjectMapper json) {
        this.json = json;
    }

    /** The database's product name, upper case: H2 and PostgreSQL differ in durability and locking. */
    static String databaseProduct(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getDatabaseProductName().toUpperCase(Locale.ROOT);
        } catch (SQLException e) {
            throw new JobStoreException("cannot reach the job store", e);
        }
    }

    /** The jobs with these keys, on the caller's connection (an insert's transaction). */
    List<Job> findAll(Connection c, List<String> keys) throws SQLException {
        List<Job> found = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += 500) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + 500));
            try (PreparedStatement select = c.prepareStatement("SELECT " + READ_COLUMNS + " FROM job WHERE job_key IN ("
                    + placeholders(chunk.size()) + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    select.setString(i + 1, chunk.get(i));
                }
                found.addAll(readAll(select));
            }
        }
        return found;
    }

    static void appendEvent(Connection c, String key, JobState state, long at, String detail) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO job_event (job_key, state, at, detail) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, key);
            insert.setString(2, state.name());
            insert.setLong(3, at);
            insert.setString(4, truncate(detail));
            insert.executeUpdate();
        }
    }

    /** Binds every column of {@link #COLUMNS}; returns the index of the next parameter. */
    int bindAll(PreparedStatement s, Job job) throws SQLException {
        s.setString(1, job.getKey());
        s.setString(2, job.getProvider());
        s.setString(3, job.getState().name());
        s.setString(4, write(job.getRequest()));
        s.setString(5, job.getSource());
        setAttempts(s, 6, job);
        s.setLong(13, job.getDeadlineAt());
        s.setLong(14, job.getAcceptedAt());
        NullableColumns.setLong(s, 15, job.getCompletedAt());
        s.setString(16, truncate(job.getReason()));
        s.setString(17, write(job.getImageUrls()));
        s.setString(18, job.getLeaseOwner());
        NullableColumns.setLong(s, 19, job.getSubmittedAt());
        setCost(s, 20, job);
        // the route the request named, so the jobs page can filter by it on an indexed column
        s.setString(22, job.getRequest() == null ? null : job.getRequest().route());
        return 23;
    }

    /**
     * The generation's id at the provider, its counts of attempts, checks and errors, and its next check: at
     * {@code index} and the six after (the columns every save writes as well as the insert).
     */
    static void setAttempts(PreparedStatement s, int index, Job job) throws SQLException {
        s.setString(index, job.getProviderJobId());
        s.setInt(index + 1, job.getCreateAttempts());
        s.setInt(index + 2, job.getProviderRetries());
        s.setInt(index + 3, job.getChecks());
        s.setInt(index + 4, job.getTransientErrors());
        s.setInt(index + 5, job.getDeliveryAttempts());
        NullableColumns.setLong(s, index + 6, job.getNextCheckAt());
    }

    /** The reported cost and its unit, at {@code index} and the next. */
    static void setCost(PreparedStatement s, int index, Job job) throws SQLException {
        NullableColumns.setDouble(s, index, job.getCost());
        s.setString(index + 1, job.getCostUnit());
    }

    List<Job> readAll(PreparedStatement select) throws SQLException {
        List<Job> jobs = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                Job job = new Job();
                job.setKey(rs.getString(1));
                job.setProvider(rs.getString(2));
                job.setState(JobState.valueOf(rs.getString(3)));
                job.setRequest(read(rs.getString(4), new TypeReference<GenerationRequest>() { }));
                job.setSource(rs.getString(5));
                job.setProviderJobId(rs.getString(6));
                job.setCreateAttempts(rs.getInt(7));
                job.setProviderRetries(rs.getInt(8));
                job.setChecks(rs.getInt(9));
                job.setTransientErrors(rs.getInt(10));
                job.setDeliveryAttempts(rs.getInt(11));
                job.setNextCheckAt(NullableColumns.getLong(rs, 12));
                job.setDeadlineAt(rs.getLong(13));
                job.setAcceptedAt(rs.getLong(14));
                job.setCompletedAt(NullableColumns.getLong(rs, 15));
                job.setReason(rs.getString(16));
                String urls = rs.getString(17);
                job.setImageUrls(urls == null ? List.of() : read(urls, new TypeReference<List<String>>() { }));
                job.setLeaseOwner(rs.getString(18));
                job.setSubmittedAt(NullableColumns.getLong(rs, 19));
                job.setCost(NullableColumns.getDouble(rs, 20));
                job.setCostUnit(rs.getString(21));
                job.setCostSource(rs.getString("cost_source"));
                job.setCostModel(rs.getString("cost_model"));
                job.setUpdatedAt(rs.getLong("updated_at"));
                job.restoreProgress(rs.getString("status_url"), NullableColumns.getInt(rs, "queue_position"),
                        NullableColumns.getInt(rs, "progress"));
                jobs.add(job);
            }
        }
        return jobs;
    }

    /** An IN list's parameters: {@code n} question marks, comma-separated. */
    static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    static String truncate(String text) {
        return text == null || text.length() <= 4000 ? text : text.substring(0, 3997) + "...";
    }

    String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new JobStoreException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new JobStoreException("cannot read stored JSON", e);
        }
    }
}
