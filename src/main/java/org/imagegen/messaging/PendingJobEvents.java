package org.imagegen.messaging;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.job.JobState;
import org.imagegen.job.Progress;
import org.imagegen.spend.Conversions;
import org.imagegen.job.JobStoreException;

/**
 * The job events not yet published: the reading side of a transactional outbox. Each state change adds a job_event row
 * in the same transaction as the change (JobStore); this reads the rows not yet published, oldest first, and marks each
 * one published after the publish-events route has sent it. A crash between sending and marking sends the row again:
 * delivery is at-least-once, and each message carries the row id so consumers can drop what they have seen. With
 * several instances on one database only the leader publishes (routes/publish-events.camel.yaml).
 */
public class PendingJobEvents {

    private final DataSource dataSource;
    private final ObjectMapper json;
    private final boolean hasEndpoints;
    private final Set<JobState> published;
    private final int batch;
    /** The one currency the events' costs are also shown in, if the operator set one. */
    private final Conversions conversions;

    public PendingJobEvents(DataSource dataSource, ObjectMapper json, boolean hasEndpoints, Set<JobState> published,
                       int batch, Conversions conversions) {
        this.conversions = conversions;
        this.dataSource = dataSource;
        this.json = json;
        this.hasEndpoints = hasEndpoints;
        this.published = Set.copyOf(published);
        this.batch = batch;
    }

    /**
     * The next unpublished events that must be sent, oldest first. Rows nobody is to receive (a state that is not
     * announced, no endpoint configured, no reply due) are marked published on the way, in one statement.
     */
    public List<OutgoingEvent> claim() {
        try (Connection c = dataSource.getConnection()) {
            markNothingToSend(c);
            List<OutgoingEvent> toSend = new ArrayList<>();
            List<Long> nothingToSend = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT e.id, e.job_key, e.state, e.at, e.detail, "
                    + "j.provider, j.image_urls_json, j.source, r.destination, r.correlation_id, j.cost_amount, "
                    + "j.cost_unit, j.cost_source FROM job_event e "
                    + "JOIN job j ON j.job_key = e.job_key LEFT JOIN job_reply r ON r.job_key = e.job_key "
                    + "WHERE e.published_at IS NULL ORDER BY e.id LIMIT ?")) {
                select.setInt(1, batch);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        JobState state = JobState.valueOf(rs.getString(3));
                        String replyTo = rs.getString(9);
                        boolean publish = hasEndpoints && published.contains(state);
                        boolean reply = replyTo != null && state.isTerminal();
                        if (!publish && !reply) {
                            nothingToSend.add(rs.getLong(1));
                            continue;
                        }
                        // the job's image URLs as they are now: announced only once it has images
                        String urls = state == JobState.SUCCEEDED || state == JobState.DELIVERED
                                || state == JobState.DELIVERY_FAILED ? rs.getString(7) : null;
                        // and its cost as it is now, once the generation finished
                        double amount = rs.getDouble(11);
                        Map<String, Object> cost = rs.wasNull() || !(state == JobState.SUCCEEDED || state.isTerminal())
                                ? null : conversions.view(rs.getString(6), amount, rs.getString(12), rs.getString(13));
                        toSend.add(new OutgoingEvent(rs.getLong(1), rs.getString(2), state, rs.getLong(4),
                                rs.getString(6), rs.getString(5),
                                urls == null ? List.of() : json.readValue(urls, new TypeReference<List<String>>() { }),
                                Map.of(), rs.getString(8), replyTo, rs.getString(10), publish, reply,
                                Progress.positionIn(rs.getString(5)), Progress.progressIn(rs.getString(5)), cost));
                    }
                }
            }
            markPublished(c, nothingToSend);
            List<OutgoingEvent> withSinks = new ArrayList<>(toSend.size());
            for (OutgoingEvent e : toSend) {
                withSinks.add(e.state() == JobState.DELIVERED || e.state() == JobState.DELIVERY_FAILED
                        ? e.withSinks(sinks(c, e.jobKey())) : e);
            }
            return withSinks;
        } catch (SQLException | JsonProcessingException e) {
            throw new JobStoreException("cannot read unpublished job events", e);
        }
    }

    /**
     * Marks in one statement every unpublished row that nobody is to receive, so that a bundle without event
     * endpoints (or announcing few states) keeps up with any number of state changes.
     */
    private void markNothingToSend(Connection c) throws SQLException {
        List<String> sendable = hasEndpoints ? published.stream().map(Enum::name).sorted().toList() : List.of();
        List<String> terminal = Arrays.stream(JobState.values()).filter(JobState::isTerminal).map(Enum::name).toList();
        String notAnnounced = sendable.isEmpty() ? "" : "AND state NOT IN (" + placeholders(sendable.size()) + ") ";
        try (PreparedStatement update = c.prepareStatement("UPDATE job_event SET published_at = ? "
                + "WHERE published_at IS NULL " + notAnnounced + "AND NOT (state IN ("
                + placeholders(terminal.size()) + ") AND job_key IN (SELECT job_key FROM job_reply))")) {
            int i = 1;
            update.setLong(i++, System.currentTimeMillis());
            for (String state : sendable) {
                update.setString(i++, state);
            }
            for (String state : terminal) {
                update.setString(i++, state);
            }
            update.executeUpdate();
        }
    }

    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    /** The event as the JSON message consumers receive. */
    public String json(OutgoingEvent event) throws JsonProcessingException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("eventId", event.id());
        body.put("jobKey", event.jobKey());
        body.put("state", event.state().name());
        body.put("at", Instant.ofEpochMilli(event.at()).toString());
        body.put("provider", event.provider());
        if (event.reason() != null) {
            // the event's detail; for an unsuccessful end it is the reason
            boolean unsuccessful = event.state().isTerminal() && event.state() != JobState.DELIVERED;
            body.put(unsuccessful ? "reason" : "detail", event.reason());
        }
        if (event.position() != null) {
            body.put("position", event.position());
        }
        if (event.progress() != null) {
            body.put("progress", event.progress());
        }
        if (!event.imageUrls().isEmpty()) {
            body.put("imageUrls", event.imageUrls());
        }
        if (!event.sinks().isEmpty()) {
            body.put("sinks", event.sinks());
        }
        if (event.cost() != null) {
            body.put("cost", event.cost());
        }
        body.put("source", event.source());
        return json.writeValueAsString(body);
    }

    public void markPublished(long id) {
        try (Connection c = dataSource.getConnection()) {
            markPublished(c, List.of(id));
        } catch (SQLException e) {
            throw new JobStoreException("cannot mark job event " + id + " published", e);
        }
    }

    private static void markPublished(Connection c, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement update = c.prepareStatement("UPDATE job_event SET published_at = ? WHERE id IN ("
                + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")")) {
            update.setLong(1, System.currentTimeMillis());
            for (int i = 0; i < ids.size(); i++) {
                update.setLong(i + 2, ids.get(i));
            }
            update.executeUpdate();
        }
    }

    /** Per sink of a delivered job: its state and where its images went (a folder, a bucket prefix, a URL). */
    private static Map<String, Map<String, String>> sinks(Connection c, String jobKey) throws SQLException {
        Map<String, Map<String, String>> sinks = new LinkedHashMap<>();
        try (PreparedStatement select = c.prepareStatement(
                "SELECT sink, state, location FROM job_sink WHERE job_key = ? ORDER BY sink")) {
            select.setString(1, jobKey);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> sink = new LinkedHashMap<>();
                    sink.put("state", rs.getString(2));
                    if (rs.getString(3) != null) {
                        sink.put("location", rs.getString(3));
                    }
                    sinks.put(rs.getString(1), sink);
                }
            }
        }
        return sinks;
    }
}
