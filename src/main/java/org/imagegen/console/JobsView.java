package org.imagegen.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.api.GenerationViews;
import org.imagegen.delivery.ResultFolders;
import org.imagegen.delivery.StagedImage;
import org.imagegen.job.DeliveryReport;
import org.imagegen.job.Job;
import org.imagegen.job.JobState;
import org.imagegen.job.JobQueries;
import org.imagegen.job.OperatorActions;
import org.imagegen.spend.BudgetLedger;

/**
 * What the jobs page shows, read from the job store: the jobs its filters find with their timings and failure reason,
 * one job's detail, the spend and the budgets, and where delivered images are. Images are only ever read from a file
 * sink's root or from the staging folder, found through the job's own records (never from a path a request supplies).
 */
public record JobsView(JobQueries store, DeliveryReport deliveries, ResultFolders resultFolders, ObjectMapper json,
                       BudgetLedger budgets, GenerationViews views) {

    /** The budgets with what each has used and has left this period (the page's header); none when none is set. */
    public List<BudgetLedger.Status> budgets(long now) {
        return budgets.status(now);
    }

    /**
     * A job as the page shows it; times are epoch milliseconds, durations milliseconds (null when not reached);
     * position and progress as the provider last reported them (null when it reports none).
     */
    public record JobRow(String id, String state, String provider, String providerJobId, String prompt,
                         long acceptedAt, Long submittedAt, Long completedAt, Long queuedMs, Long generationMs,
                         Long totalMs, int checks, String reason, int images, Integer position, Integer progress) {
    }

    /** The jobs the filters find, newest first. */
    public List<JobRow> list(JobFilters.Query query) {
        List<JobRow> rows = new ArrayList<>();
        for (Job job : store.search(query.search(), null, null, query.limit())) {
            rows.add(row(job));
        }
        return rows;
    }

    /**
     * One job as the detail view shows it: what the HTTP API tells of it (states with their times, attempts, cost,
     * sinks, the request), how many thumbnails there are, the manifest in its outbox folder (null when none is
     * written yet), and which operator actions its state allows (the rules of {@link OperatorActions}).
     */
    public Optional<Map<String, Object>> detail(String key) {
        Optional<Job> found = store.find(key);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Job job = found.get();
        Map<String, Object> detail = views.view(job);
        detail.put("thumbnails", images(job).size());
        detail.put("manifest", manifest(job));
        detail.put("actions", Map.of("retry", OperatorActions.RETRYABLE.contains(job.getState()),
                "cancel", OperatorActions.CANCELLABLE.contains(job.getState())));
        return Optional.of(detail);
    }

    private JsonNode manifest(Job job) {
        Path manifest = resultFolders.jobFolder(job.getKey()).resolve(ResultFolders.MANIFEST);
        try {
            return Files.isRegularFile(manifest) ? json.readTree(manifest.toFile()) : null;
        } catch (IOException e) {
            return null; // being rewritten or damaged: the view's other parts say the same
        }
    }

    /** What was spent so far, per provider and unit (summed over models), from the job store's cost sums. */
    public List<Spent> spend() {
        Map<String, Spent> sums = new TreeMap<>();
        for (JobQueries.Spend s : store.spend()) {
            String unit = s.unit() == null ? "" : s.unit();
            sums.merge(s.provider() + " " + unit, new Spent(s.provider(), unit, s.amount()),
                    (a, b) -> new Spent(a.provider(), a.unit(), a.amount() + b.amount()));
        }
        return List.copyOf(sums.values());
    }

    /** Spent at one provider, in one unit. */
    public record Spent(String provider, String unit, double amount) {
    }

    /** Number of jobs in each state, for the page's filter. */
    public Map<JobState, Long> counts() {
        return store.countByState();
    }

    private JobRow row(Job job) {
        Long submitted = job.getSubmittedAt();
        Long completed = job.getCompletedAt();
        long accepted = job.getAcceptedAt();
        return new JobRow(job.getKey(), job.getState().name(), job.getProvider(), job.getProviderJobId(),
                job.getRequest() == null ? null : job.getRequest().prompt(), accepted, submitted, completed,
                submitted == null ? null : submitted - accepted,
                submitted == null || completed == null ? null : completed - submitted,
                completed == null ? null : completed - accepted,
                job.getChecks(), job.getReason(), images(job).size(), job.getPosition(), job.getProgress());
    }

    /** The file of image {@code number} (1-based) of the job, if it was delivered to a folder or is still staged. */
    public Optional<Path> image(String key, int number) {
        Optional<Job> job = store.find(key);
        if (job.isEmpty() || number < 1) {
            return Optional.empty();
        }
        List<Path> images = images(job.get());
        return number <= images.size() ? Optional.of(images.get(number - 1)) : Optional.empty();
    }

    /** The job's images: from the first file sink that has them all, else from staging (kept when delivery failed). */
    private List<Path> images(Job job) {
        if (job.getState() == JobState.DELIVERED || job.getState() == JobState.DELIVERY_FAILED) {
            for (Path folder : deliveries.deliveredFolders(job)) {
                List<Path> found = fromFolder(folder);
                if (!found.isEmpty()) {
                    return found;
                }
            }
        }
        if (resultFolders.loadStaged(job)) {
            List<Path> staged = new ArrayList<>();
            for (StagedImage image : job.getStaged()) {
                staged.add(resultFolders.stagedFile(job, image));
            }
            return staged;
        }
        return List.of();
    }

    /** The images a delivered folder's manifest lists, each checked to be a file inside the folder. */
    private List<Path> fromFolder(Path folder) {
        Path manifest = folder.resolve(ResultFolders.MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return List.of();
        }
        try {
            JsonNode images = json.readTree(manifest.toFile()).path("images");
            List<Path> files = new ArrayList<>();
            for (JsonNode image : images) {
                Path file = folder.resolve(image.path("file").asText("")).normalize();
                if (file.startsWith(folder) && !file.equals(folder) && Files.isRegularFile(file)) {
                    files.add(file);
                }
            }
            return files;
        } catch (IOException e) {
            return List.of();
        }
    }
}
