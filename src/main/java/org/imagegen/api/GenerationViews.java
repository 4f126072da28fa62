package org.imagegen.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.delivery.ResultFolders;
import org.imagegen.delivery.SinkRecord;
import org.imagegen.delivery.SinkState;
import org.imagegen.delivery.Sinks;
import org.imagegen.delivery.StagedImage;
import org.imagegen.job.DeliveryReport;
import org.imagegen.job.Job;
import org.imagegen.job.JobEvent;
import org.imagegen.job.JobQueries;
import org.imagegen.job.JobState;
import org.imagegen.provider.Providers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API's reading side: one generation (its states, images and sinks), a page of generations, one image.
 * Answers are read from the job store, the sink ledger and the delivered files.
 */
public class GenerationViews {

    private static final Logger LOG = LoggerFactory.getLogger(GenerationViews.class);

    private final JobQueries store;
    private final Providers providers;
    private final ResultFolders resultFolders;
    private final DeliveryReport deliveries;
    private final PageSizes pageSizes;
    private final ObjectMapper json = new ObjectMapper();

    public GenerationViews(JobQueries store, Providers providers, ResultFolders resultFolders, DeliveryReport deliveries,
                           PageSizes pageSizes) {
        this.store = store;
        this.providers = providers;
        this.resultFolders = resultFolders;
        this.deliveries = deliveries;
        this.pageSizes = pageSizes;
    }

    // ---- GET /api/generations/{id} ------------------------------------------------------------------------------

    public ApiReply get(String id) {
        return ApiReply.json(200, ApiJson.write(view(find(id))));
    }

    /** Everything the API tells of one generation (the jobs page's detail view shows the same). */
    public Map<String, Object> view(Job job) {
        Map<String, Object> v = summary(job);
        v.put("source", job.getSource());
        v.put("createAttempts", job.getCreateAttempts());
        v.put("providerRetries", job.getProviderRetries());
        v.put("statusChecks", job.getChecks());
        v.put("cost", resultFolders.costOf(job));
        // each provider the job was at along its route, and why it left it (the manifest lists the same)
        v.put("attempts", resultFolders.attempts(job, job.getState()));
        // what the provider last reported, where it reports it (defined providers' outcome position and progress)
        v.put("position", job.getPosition());
        v.put("progress", job.getProgress());
        Map<String, Object> times = new LinkedHashMap<>();
        times.put("accepted", ApiJson.time(job.getAcceptedAt()));
        times.put("submitted", ApiJson.time(job.getSubmittedAt()));
        times.put("completed", ApiJson.time(job.getCompletedAt()));
        times.put("deadline", ApiJson.time(job.getDeadlineAt()));
        times.put("nextCheck", ApiJson.time(job.getNextCheckAt()));
        List<JobEvent> history = store.history(job.getKey());
        history.stream().filter(e -> e.state() == JobState.DELIVERED).reduce((a, b) -> b)
                .ifPresent(e -> times.put("delivered", ApiJson.time(e.at())));
        v.put("times", times);
        List<Map<String, Object>> states = new ArrayList<>();
        for (JobEvent e : history) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("state", e.state().name());
            s.put("at", ApiJson.time(e.at()));
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
            i.put("url", ApiJson.url(job.getKey()) + "/images/" + image.image().number());
            images.add(i);
        }
        v.put("images", images);
        Map<String, Object> sinkStates = new LinkedHashMap<>();
        Sinks sinks = deliveries.sinks();
        for (SinkRecord r : deliveries.ledger().of(job.getKey())) {
            Map<String, Object> s = new LinkedHashMap<>();
            if (sinks.names().contains(r.sink())) {
                s.put("type", sinks.spec(r.sink()).type().name().toLowerCase(Locale.ROOT));
            }
            s.put("state", r.state().name());
            s.put("attempts", r.attempts());
            s.put("location", r.location());
            s.put("delivered", ApiJson.time(r.deliveredAt()));
            s.put("nextTry", r.state() == SinkState.PENDING ? ApiJson.time(r.nextTryAt()) : null);
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
        v.put("url", ApiJson.url(job.getKey()));
        v.put("state", job.getState().name());
        v.put("provider", job.getProvider());
        v.put("providerGenerationId", job.getProviderJobId());
        v.put("reason", job.getReason());
        v.put("accepted", ApiJson.time(job.getAcceptedAt()));
        v.put("completed", ApiJson.time(job.getCompletedAt()));
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
        int size = pageSizes.of(limit);
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
        return ApiReply.json(200, ApiJson.write(answer));
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
        for (Path folder : deliveries.deliveredFolders(job)) {
            Path manifest = folder.resolve(ResultFolders.MANIFEST);
            if (!Files.exists(manifest)) {
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
        if (resultFolders.loadStaged(job)) {
            return job.getStaged().stream().map(i -> new ImageFile(i, resultFolders.stagedFile(job, i))).toList();
        }
        return List.of();
    }

    /** The history of generation {@code id}'s job, oldest first. */
    public List<JobEvent> history(String id) {
        return store.history(id);
    }

    /** The job of generation {@code id}; 404 when there is none. */
    public Job find(String id) {
        if (id == null || id.isBlank()) {
            throw ApiProblem.notFound(String.valueOf(id));
        }
        return store.find(id).orElseThrow(() -> ApiProblem.notFound(id));
    }
}
