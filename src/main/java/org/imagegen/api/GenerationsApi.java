package org.imagegen.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.imagegen.delivery.Outbox;
import org.imagegen.delivery.SinkLedger;
import org.imagegen.delivery.SinkRecord;
import org.imagegen.delivery.SinkState;
import org.imagegen.delivery.SinkType;
import org.imagegen.delivery.Sinks;
import org.imagegen.delivery.StagedImage;
import org.imagegen.job.Job;
import org.imagegen.job.JobEvent;
import org.imagegen.job.JobLifecycle;
import org.imagegen.job.JobState;
import org.imagegen.job.JobStore;
import org.imagegen.disk.LowDiskSpaceException;
import org.imagegen.job.JobStoreException;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ProviderCall;
import org.imagegen.provider.Providers;
import org.imagegen.request.IntakeReport;
import org.imagegen.request.Problem;
import org.imagegen.request.RequestIntake;
import org.imagegen.request.Utf8Text;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API's behaviour, as plain Java: routes/api.camel.yaml calls one method per endpoint and sends the
 * {@link ApiReply} it returns. Requests go through the same intake as files (parse, validate, one job per key); the
 * answers are read from the job store, the sink ledger and the delivered files.
 */
public class GenerationsApi {

    private static final Logger LOG = LoggerFactory.getLogger(GenerationsApi.class);
    private static final String BASE = "/api/generations";

    private final RequestIntake intake;
    private final JobStore store;
    private final JobLifecycle jobs;
    private final Providers providers;
    private final Outbox outbox;
    private final Sinks sinks;
    private final SinkLedger ledger;
    private final String token;
    private final int defaultPageSize;
    private final int maxPageSize;
    private final ObjectMapper json = new ObjectMapper();
    private final byte[] openApi;

    public GenerationsApi(RequestIntake intake, JobStore store, JobLifecycle jobs, Providers providers, Outbox outbox,
                          Sinks sinks, SinkLedger ledger, String token, int defaultPageSize, int maxPageSize) {
        this.intake = intake;
        this.store = store;
        this.jobs = jobs;
        this.providers = providers;
        this.outbox = outbox;
        this.sinks = sinks;
        this.ledger = ledger;
        this.token = token;
        this.defaultPageSize = defaultPageSize;
        this.maxPageSize = maxPageSize;
        try (InputStream in = GenerationsApi.class.getResourceAsStream("/api/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("api/openapi.json is missing from the class path");
            }
            this.openApi = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- auth --------------------------------------------------------------------------------------------------

    /** Refuses a request without {@code Authorization: Bearer <imagegen.api.token>} (compared in constant time). */
    public void authorize(String authorization) {
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip() : null;
        if (!Secrets.matches(presented, token)) {
            throw new ApiProblem(401, "Unauthorized", presented == null
                    ? "send the API token as 'Authorization: Bearer <token>' (imagegen.api.token)"
                    : "the bearer token is not the API token", null);
        }
    }

    public ApiReply openApi() {
        return new ApiReply(200, ApiReply.JSON, null, openApi);
    }

    // ---- POST /api/generations ------------------------------------------------------------------------------

    /**
     * One request or a batch, in the request-file format. An {@code Idempotency-Key} header is the id of a single
     * request that has none. The same body sent again is answered with the same jobs (nothing new is created); the
     * same id with another body is a conflict.
     */
    public ApiReply create(byte[] bytes, String idempotencyKey) {
        // strictly UTF-8, as a request file: a bad byte is reported where it is, not turned into a replacement character
        Utf8Text decoded = bytes == null ? null : Utf8Text.decode(bytes);
        if (decoded != null && decoded.problem() != null) {
            throw ApiProblem.badRequest("no request was accepted", List.of(Problem.ofInput(decoded.problem())));
        }
        String body = decoded == null ? null : decoded.text();
        if (body == null || body.isBlank()) {
            throw ApiProblem.badRequest("the body is empty: send a request object or an array of them",
                    List.of(Problem.ofInput("the input is empty")));
        }
        String content = withIdempotencyKey(body, idempotencyKey);
        // the source names the exact content: a replay is "the same input read again", anything else a duplicate
        String source = "api:" + HexFormat.of().formatHex(Secrets.sha256(content)).substring(0, 16);
        IntakeReport report = intake.accept(source, content);
        if (report.accepted().isEmpty()) {
            boolean onlyDuplicates = !report.problems().isEmpty() && report.problems().stream()
                    .allMatch(p -> "id".equals(p.field()) && p.message().startsWith("duplicate: job"));
            if (onlyDuplicates) {
                throw new ApiProblem(409, "Conflict", "a job with this id already exists, made from another request",
                        report.problems());
            }
            throw ApiProblem.badRequest("no request was accepted", report.problems());
        }
        List<Map<String, Object>> accepted = new ArrayList<>();
        for (String id : report.accepted()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", id);
            entry.put("url", url(id));
            accepted.add(entry);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("records", report.records());
        answer.put("accepted", accepted);
        answer.put("problems", report.problems());
        return new ApiReply(202, ApiReply.JSON, url(report.accepted().get(0)), write(answer));
    }

    private String withIdempotencyKey(String body, String idempotencyKey) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            return body;
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            return body; // the intake reports what is wrong with it
        }
        if (node instanceof ObjectNode object) {
            JsonNode id = object.get("id");
            if (id == null || id.isNull()) {
                object.put("id", idempotencyKey.strip());
                return write(object);
            }
            if (!id.asText().equals(idempotencyKey.strip())) {
                throw ApiProblem.badRequest("the request's id and the Idempotency-Key header differ",
                        List.of(new Problem(1, id.asText(), "id", "is '" + id.asText() + "' but the Idempotency-Key "
                                + "header says '" + idempotencyKey.strip() + "'; send one of them, or the same value")));
            }
            return body;
        }
        if (node != null && node.isArray()) {
            throw ApiProblem.badParameter("Idempotency-Key", "names one request; a batch gives each request its own id");
        }
        return body;
    }

    // ---- GET /api/generations/{id} ------------------------------------------------------------------------------

    public ApiReply get(String id) {
        return ApiReply.json(200, write(view(find(id))));
    }

    private Map<String, Object> view(Job job) {
        Map<String, Object> v = summary(job);
        v.put("source", job.getSource());
        v.put("createAttempts", job.getCreateAttempts());
        v.put("providerRetries", job.getProviderRetries());
        v.put("statusChecks", job.getChecks());
        v.put("cost", Outbox.costOf(job));
        // what the provider last reported, where it reports it (defined providers' outcome position and progress)
        v.put("position", job.getPosition());
        v.put("progress", job.getProgress());
        Map<String, Object> times = new LinkedHashMap<>();
        times.put("accepted", time(job.getAcceptedAt()));
        times.put("submitted", time(job.getSubmittedAt()));
        times.put("completed", time(job.getCompletedAt()));
        times.put("deadline", time(job.getDeadlineAt()));
        times.put("nextCheck", time(job.getNextCheckAt()));
        List<JobEvent> history = store.history(job.getKey());
        history.stream().filter(e -> e.state() == JobState.DELIVERED).reduce((a, b) -> b)
                .ifPresent(e -> times.put("delivered", time(e.at())));
        v.put("times", times);
        List<Map<String, Object>> states = new ArrayList<>();
        for (JobEvent e : history) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("state", e.state().name());
            s.put("at", time(e.at()));
            if (e.detail() != null) {
                s.put("detail", e.detail());
            }
            states.add(s);
        }
        v.put("states", states);
        List<Map<String, Object>> images = new ArrayList<>();
        for (ImageFile image : images(job)) {
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("n", image.image().number());
            i.put("file", image.image().file());
            i.put("contentType", image.image().contentType());
            i.put("bytes", image.image().bytes());
            i.put("sha256", image.image().sha256());
            i.put("url", url(job.getKey()) + "/images/" + image.image().number());
            images.add(i);
        }
        v.put("images", images);
        Map<String, Object> sinkStates = new LinkedHashMap<>();
        for (SinkRecord r : ledger.of(job.getKey())) {
            Map<String, Object> s = new LinkedHashMap<>();
            if (sinks.names().contains(r.sink())) {
                s.put("type", sinks.spec(r.sink()).type().name().toLowerCase(Locale.ROOT));
            }
            s.put("state", r.state().name());
            s.put("attempts", r.attempts());
            s.put("location", r.location());
            s.put("delivered", time(r.deliveredAt()));
            s.put("nextTry", r.state() == SinkState.PENDING ? time(r.nextTryAt()) : null);
            s.put("lastError", r.state() == SinkState.DELIVERED ? null : r.lastError());
            sinkStates.put(r.sink(), s);
        }
        v.put("sinks", sinkStates);
        v.put("request", job.getRequest());
        return v;
    }

    private Map<String, Object> summary(Job job) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", job.getKey());
        v.put("url", url(job.getKey()));
        v.put("state", job.getState().name());
        v.put("provider", job.getProvider());
        v.put("providerGenerationId", job.getProviderJobId());
        v.put("reason", job.getReason());
        v.put("accepted", time(job.getAcceptedAt()));
        v.put("completed", time(job.getCompletedAt()));
        return v;
    }

    // ---- GET /api/generations ---------------------------------------------------------------------------------

    /** Newest first; {@code cursor} is the {@code next} of the previous page. */
    public ApiReply list(String state, String provider, String since, String limit, String cursor) {
        List<JobState> states = new ArrayList<>();
        if (state != null && !state.isBlank()) {
            for (String s : state.split(",")) {
                try {
                    states.add(JobState.valueOf(s.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw ApiProblem.badParameter("state", "'" + s.strip() + "' is not a job state; expected one of "
                            + List.of(JobState.values()));
                }
            }
        }
        String providerName = provider == null || provider.isBlank() ? null : provider.strip();
        if (providerName != null && providers.all().stream().noneMatch(p -> p.name().equals(providerName))) {
            throw ApiProblem.badParameter("provider", "'" + providerName + "' is not a provider; expected one of "
                    + providers.all().stream().map(p -> p.name()).toList());
        }
        Long sinceMillis = since == null || since.isBlank() ? null : instant("since", since.strip());
        int size = defaultPageSize;
        if (limit != null && !limit.isBlank()) {
            try {
                size = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 1 || size > maxPageSize) {
                throw ApiProblem.badParameter("limit", "must be a whole number from 1 to " + maxPageSize
                        + " (imagegen.api.max-page-size)");
            }
        }
        Long beforeAt = null;
        String beforeKey = null;
        if (cursor != null && !cursor.isBlank()) {
            String decoded;
            try {
                decoded = new String(Base64.getUrlDecoder().decode(cursor.strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                decoded = "";
            }
            int colon = decoded.indexOf(':');
            try {
                beforeAt = Long.parseLong(decoded.substring(0, Math.max(0, colon)));
                beforeKey = decoded.substring(colon + 1);
            } catch (NumberFormatException e) {
                throw ApiProblem.badParameter("cursor", "is not a cursor this API gave out (use 'next' of a page)");
            }
        }
        // one more than asked: tells whether a next page exists without counting
        List<Job> page = store.list(states, providerName, sinceMillis, beforeAt, beforeKey, size + 1);
        boolean more = page.size() > size;
        List<Job> shown = more ? page.subList(0, size) : page;
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", shown.stream().map(this::summary).toList());
        String next = null;
        if (more) {
            Job last = shown.get(shown.size() - 1);
            next = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (last.getAcceptedAt() + ":" + last.getKey()).getBytes(StandardCharsets.UTF_8));
        }
        answer.put("next", next);
        return ApiReply.json(200, write(answer));
    }

    private static Long instant(String field, String value) {
        if (value.matches("\\d{1,15}")) {
            return Long.parseLong(value);
        }
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw ApiProblem.badParameter(field, "'" + value + "' is neither an ISO-8601 instant "
                    + "(2025-01-31T12:00:00Z) nor epoch milliseconds");
        }
    }

    // ---- GET /api/generations/{id}/images/{n} ---------------------------------------------------------------

    public ApiReply image(String id, String n) {
        Job job = find(id);
        int number;
        try {
            number = Integer.parseInt(n);
        } catch (NumberFormatException e) {
            throw ApiProblem.badParameter("n", "'" + n + "' is not an image number (1, 2, ...)");
        }
        for (ImageFile image : images(job)) {
            if (image.image().number() == number) {
                try {
                    return new ApiReply(200, image.image().contentType(), null, Files.readAllBytes(image.path()));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + image.path(), e);
                }
            }
        }
        throw new ApiProblem(404, "Not Found", "generation '" + id + "' has no image " + number
                + " here (state " + job.getState() + "; images are served from a folder sink or from staging)", null);
    }

    private record ImageFile(StagedImage image, Path path) {
    }

    /**
     * The job's images that can be read here: from the first folder sink that has them all (its manifest lists
     * them), else from staging (downloaded, not delivered yet, or kept after a failed delivery).
     */
    private List<ImageFile> images(Job job) {
        for (SinkRecord r : ledger.of(job.getKey())) {
            if (r.state() != SinkState.DELIVERED || !sinks.names().contains(r.sink())
                    || sinks.spec(r.sink()).type() != SinkType.FILE) {
                continue;
            }
            Path root = Path.of(sinks.spec(r.sink()).get("root")).toAbsolutePath().normalize();
            Path folder = root.resolve(sinks.folder(job, r.sink())).normalize();
            Path manifest = folder.resolve(Outbox.MANIFEST);
            if (!folder.startsWith(root) || !Files.exists(manifest)) {
                continue;
            }
            try {
                List<ImageFile> found = new ArrayList<>();
                for (JsonNode node : json.readTree(manifest.toFile()).path("images")) {
                    StagedImage image = json.treeToValue(node, StagedImage.class);
                    Path file = folder.resolve(image.file()).normalize();
                    if (file.startsWith(folder) && Files.exists(file)) {
                        found.add(new ImageFile(image, file));
                    }
                }
                if (!found.isEmpty()) {
                    return found;
                }
            } catch (IOException e) {
                LOG.warn("job {}: cannot read {}: {}", job.getKey(), manifest, e.toString());
            }
        }
        if (outbox.loadStaged(job)) {
            return job.getStaged().stream().map(i -> new ImageFile(i, outbox.stagedFile(job, i))).toList();
        }
        return List.of();
    }

    // ---- POST /api/generations/{id}/retry ---------------------------------------------------------------------

    /**
     * DELIVERY_FAILED: the failed sinks are tried again (nothing is paid again). FAILED or TIMED_OUT: a new
     * generation is created at the provider - paid again, deliberately, and recorded in the job's history.
     */
    public ApiReply retry(String id) {
        Job job = find(id);
        boolean reopened = switch (job.getState()) {
            case DELIVERY_FAILED -> jobs.retryDelivery(id);
            case FAILED, TIMED_OUT -> jobs.retryGeneration(id, "retry requested over the HTTP API");
            default -> throw ApiProblem.conflict("generation '" + id + "' is " + job.getState()
                    + "; only FAILED, TIMED_OUT and DELIVERY_FAILED ones can be retried");
        };
        if (!reopened) {
            throw ApiProblem.conflict("generation '" + id + "' changed while the retry was asked for (now "
                    + find(id).getState() + "); ask again if it still needs one");
        }
        return new ApiReply(202, ApiReply.JSON, url(id), write(view(find(id))));
    }

    // ---- DELETE /api/generations/{id} -------------------------------------------------------------------------

    /**
     * Cancels the job (no more checks) and returns the call that deletes its generation at the provider, or null
     * when there is none to delete (not created yet) or the provider offers no delete.
     */
    public ProviderCall cancel(String id) {
        Job job = find(id);
        if (!JobLifecycle.CANCELLABLE.contains(job.getState())) {
            throw ApiProblem.conflict("generation '" + id + "' is " + job.getState() + "; only "
                    + JobLifecycle.CANCELLABLE + " ones can be cancelled"
                    + (job.getState() == JobState.SUBMITTING ? " (a create is being sent: ask again in a moment)" : ""));
        }
        if (!jobs.cancel(id, "cancelled over the HTTP API")) {
            throw ApiProblem.conflict("generation '" + id + "' changed while the cancel was asked for (now "
                    + find(id).getState() + ")");
        }
        return job.getProviderJobId() == null ? null : providers.get(job.getProvider()).deleteCall(job);
    }

    /** The answer to a cancel: the job, and what became of the delete at the provider. */
    public ApiReply cancelled(String id, ProviderCall delete, HttpReply reply, String error) {
        Job job = find(id);
        String outcome;
        if (delete == null) {
            boolean created = job.getProviderJobId() != null;
            List<JobEvent> history = store.history(id);
            // NEEDS_ATTENTION without an id: a create went out and its answer was lost
            boolean unknown = !created && history.size() >= 2
                    && history.get(history.size() - 2).state() == JobState.NEEDS_ATTENTION;
            outcome = created ? "not offered by " + job.getProvider()
                    : unknown ? "not deleted: a create was sent but its answer was lost, so the generation's id is "
                    + "unknown; check the provider's dashboard"
                    : "nothing to delete: no generation was created";
        } else if (reply != null && reply.isSuccess()) {
            outcome = "deleted";
        } else {
            outcome = "not deleted: " + (reply != null ? "HTTP " + reply.status() + " " + reply.bodyExcerpt() : error);
            LOG.warn("job {}: cancelled, but its generation {} was {}", id, job.getProviderJobId(), outcome);
        }
        Map<String, Object> answer = view(job);
        answer.put("providerDelete", outcome);
        return ApiReply.json(200, write(answer));
    }

    // ---- errors ------------------------------------------------------------------------------------------------

    /** Any failure of an API route as problem+json; an unexpected one is logged and not described to the client. */
    public ApiReply problem(Throwable error) {
        // Camel may wrap what the bean threw: look through the causes
        Throwable e = error;
        while (!(e instanceof ApiProblem) && !(e instanceof JobStoreException) && !(e instanceof LowDiskSpaceException)
                && e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        ApiProblem problem;
        Long retryAfter = null;
        if (e instanceof ApiProblem p) {
            problem = p;
        } else if (e instanceof LowDiskSpaceException low) {
            // 503 with Retry-After, not 507: the shortage is the server's and passes, and clients already retry a 503
            // (as when the job store is down); the detail says which folder, for the operator reading the client's log
            problem = new ApiProblem(503, "Service Unavailable", "not enough free disk space to accept requests ("
                    + low.getMessage() + "); nothing was accepted, try again later", null);
            retryAfter = Math.max(1, (low.retryAfterMs() + 999) / 1000);
        } else if (e instanceof JobStoreException) {
            LOG.warn("API request failed: {}", error.toString());
            problem = new ApiProblem(503, "Service Unavailable", "the job store is unavailable; try again later", null);
        } else {
            LOG.error("API request failed", error);
            problem = new ApiProblem(500, "Internal Server Error", "the request failed; the bundle's log says why", null);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", problem.title());
        body.put("status", problem.status());
        body.put("detail", problem.getMessage());
        if (!problem.problems().isEmpty()) {
            body.put("problems", problem.problems());
        }
        return new ApiReply(problem.status(), ApiReply.PROBLEM_JSON, null, write(body), retryAfter);
    }

    /** The answer to a body over imagegen.api.max-body-bytes, which the HTTP server refuses before any route. */
    public ApiReply tooLarge(long maxBodyBytes) {
        return problem(new ApiProblem(413, "Content Too Large", "the body is over imagegen.api.max-body-bytes ("
                + maxBodyBytes + " bytes): send the batch in parts", null));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private Job find(String id) {
        if (id == null || id.isBlank()) {
            throw ApiProblem.notFound(String.valueOf(id));
        }
        return store.find(id).orElseThrow(() -> ApiProblem.notFound(id));
    }

    private static String url(String id) {
        return BASE + "/" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    private static String time(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
