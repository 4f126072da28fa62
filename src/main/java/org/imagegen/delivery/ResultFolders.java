package org.imagegen.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.imagegen.job.Job;
import org.imagegen.job.JobEvent;
import org.imagegen.job.JobState;
import org.imagegen.spend.Conversions;

/**
 * A job's result on disk: its images staged for every sink, its manifest, and its folder in the outbox (the folder
 * sink). Images are downloaded into {@code <data>/staging/<id>/} (streamed, size-limited, checked to be
 * images by their magic bytes), then moved into {@code <outbox>/<id>/} and the manifest is written last. Every file
 * appears by an atomic rename, so a reader of the outbox never sees half a file, and {@code manifest.json} present
 * means the job's folder is complete.
 */
public class ResultFolders {

    public static final String MANIFEST = "manifest.json";
    /** In a job's staging folder: the list of its staged images, written once all are there. */
    public static final String STAGED = "images.json";

    private final Path outbox;
    private final Path staging;
    private final long maxImageBytes;
    private final ObjectMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** The job's attempts along its route, for the manifest (set by the routing configuration); none until set. */
    private java.util.function.BiFunction<Job, JobState, Object> attempts = (job, state) -> null;
    private Conversions conversions = Conversions.none();

    public ResultFolders(Path outbox, Path data, long maxImageBytes) {
        this.outbox = outbox.toAbsolutePath().normalize();
        this.staging = data.toAbsolutePath().normalize().resolve("staging");
        this.maxImageBytes = maxImageBytes;
    }

    /** What the manifest lists under {@code attempts}: each provider the job was at, for the state reported. */
    public void setAttempts(java.util.function.BiFunction<Job, JobState, Object> attempts) {
        this.attempts = attempts;
    }

    /** The job's attempts as the manifest lists them (the HTTP API shows the same). */
    public Object attempts(Job job, JobState state) {
        return attempts.apply(job, state);
    }

    public Path jobFolder(String key) {
        return inside(outbox, key);
    }

    /**
     * Streams one image (number {@code index + 1}) into staging; refuses an error answer, anything that is not an
     * image, and anything larger than the limit.
     */
    public StagedImage stage(Job job, int index, Integer status, InputStream body, String contentType,
                             String sourceUrl) {
        return stage(job, index, status, body, contentType, sourceUrl, null);
    }

    /** The same, recording how the image was got from the provider ({@code acquired}, listed in the manifest). */
    public StagedImage stage(Job job, int index, Integer status, InputStream body, String contentType,
                             String sourceUrl, String acquired) {
        int number = index + 1;
        Path folder = inside(staging, job.getKey());
        if (status == null || status < 200 || status > 299) {
            close(body);
            throw new DeliveryException("image " + number + " from " + sourceUrl + " answered HTTP " + status
                    + (status != null && (status == 403 || status == 404) ? " (the URL may have expired)" : "")
                    + (status != null && status >= 300 && status < 400 ? " (not a redirect that can be followed)" : ""));
        }
        if (body == null) {
            throw new DeliveryException("image " + number + " from " + sourceUrl + " answered with no body");
        }
        try (InputStream in = body) {
            Files.createDirectories(folder);
            byte[] header = new byte[ImageType.HEADER_BYTES];
            int headerLength = in.readNBytes(header, 0, header.length);
            ImageType type = ImageType.sniff(header, headerLength);
            if (type == null) {
                throw new DeliveryException("image " + number + " from " + sourceUrl + " is not an image (Content-Type "
                        + contentType + ", first bytes do not match PNG, JPEG, GIF or WebP)");
            }
            String file = number + "." + type.extension();
            Path part = folder.resolve(file + ".part");
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            long bytes = headerLength;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(part), sha256)) {
                out.write(header, 0, headerLength);
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) != -1; ) {
                    bytes += n;
                    if (bytes > maxImageBytes) {
                        // permanent: the same URL serves the same bytes, so downloading it again cannot help; an
                        // operator who raises the limit retries the delivery (JMX retryDelivery)
                        throw new DeliveryException("image " + number + " from " + sourceUrl + " is larger than "
                                + maxImageBytes + " bytes (imagegen.delivery.max-image-bytes)", true);
                    }
                    out.write(buffer, 0, n);
                }
            } catch (IOException | RuntimeException e) {
                // a download cut short (or a disk that filled up) leaves nothing behind: its part would hold the
                // space the retry needs
                deleteQuietly(part);
                throw e;
            }
            moveAtomically(part, folder.resolve(file));
            StagedImage image = new StagedImage(number, file, bytes, HexFormat.of().formatHex(sha256.digest()),
                    type.contentType(), sourceUrl, acquired);
            job.getStaged().add(image);
            return image;
        } catch (IOException e) {
            throw new DeliveryException("image " + number + " from " + sourceUrl + " could not be downloaded: " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One image of a finished job that the provider sent inline (a {@code data:} URI, as the route download-image's
     * counterpart stage-inline-image hands it): decoded and staged, or its copy staged when the answer came taken
     * up again. Never an HTTP call. See {@link InlineImages}.
     */
    public StagedImage stageInline(Job job, int index, String dataUri) {
        return new InlineImages(this).stageAgain(job, index, dataUri);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // removed by the next try, which writes the same name
        }
    }

    /** Writes {@code content} by a temporary name beside {@code target}, then renames; nothing is left on failure. */
    private static void writeAtomically(Path target, byte[] content) throws IOException {
        Path part = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.write(part, content);
            moveAtomically(part, target);
        } finally {
            deleteQuietly(part);
        }
    }

    private static void close(InputStream body) {
        if (body != null) {
            try {
                body.close();
            } catch (IOException ignored) {
                // the answer is refused either way
            }
        }
    }

    /** Moves the staged images into the job's outbox folder, then writes the manifest. */
    public void publish(Job job, List<JobEvent> history) {
        Path target = jobFolder(job.getKey());
        Path source = inside(staging, job.getKey());
        try {
            Files.createDirectories(target);
            for (StagedImage image : job.getStaged()) {
                moveAtomically(source.resolve(image.file()), target.resolve(image.file()));
            }
            writeManifest(job, history);
            Files.deleteIfExists(source);
        } catch (IOException e) {
            throw new DeliveryException("cannot publish job " + job.getKey() + " to " + target + ": " + e, e);
        }
    }

    /** Writes (or rewrites) the job's manifest: the request, the provider's ids, every state, every image. */
    public void writeManifest(Job job, List<JobEvent> history) {
        writeManifest(job, history, null);
    }

    /** The same, listing per sink where the images went (or why they did not): {@code sinks} may be null. */
    public void writeManifest(Job job, List<JobEvent> history, Map<String, Object> sinks) {
        Path folder = jobFolder(job.getKey());
        try {
            Files.createDirectories(folder);
            writeAtomically(folder.resolve(MANIFEST), manifestBytes(job, job.getState(), history, sinks));
        } catch (IOException e) {
            throw new DeliveryException("cannot write the manifest of job " + job.getKey() + ": " + e, e);
        }
    }

    /**
     * The job's one manifest, as every sink receives it: composed once, when the first sink needs it, and kept in
     * {@code <data>/staging/<id>/manifest.json} beside the staged images, so that every later sink and every later
     * try (after a restart too) sends the same bytes. {@code compose} makes it when there is none yet.
     */
    public byte[] sealedManifest(Job job, java.util.function.Supplier<byte[]> compose) {
        Path sealed = stagingFolder(job).resolve(MANIFEST);
        try {
            if (Files.exists(sealed)) {
                return Files.readAllBytes(sealed);
            }
            byte[] manifest = compose.get();
            Files.createDirectories(sealed.getParent());
            writeAtomically(sealed, manifest);
            return manifest;
        } catch (IOException e) {
            throw new DeliveryException("cannot keep the manifest of job " + job.getKey() + " in staging: " + e, e);
        }
    }

    /** Drops the kept manifest: the images are downloaded again, so it would describe other files. */
    public void forgetSealedManifest(Job job) {
        try {
            Files.deleteIfExists(stagingFolder(job).resolve(MANIFEST));
        } catch (IOException e) {
            throw new DeliveryException("cannot remove the manifest of job " + job.getKey() + " from staging: " + e, e);
        }
    }

    /**
     * A retried delivery succeeded: the DELIVERY_FAILED record in the job's outbox folder, if there is one, is
     * replaced by the job's manifest, the same bytes every sink received.
     */
    public void replaceFailureRecord(Job job) {
        Path sealed = stagingFolder(job).resolve(MANIFEST);
        Path record = jobFolder(job.getKey()).resolve(MANIFEST);
        if (!Files.exists(record) || !Files.exists(sealed)) {
            return;
        }
        try {
            writeAtomically(record, Files.readAllBytes(sealed));
        } catch (IOException e) {
            throw new DeliveryException("cannot write the manifest of job " + job.getKey() + ": " + e, e);
        }
    }

    /** The manifest as JSON bytes, as each sink receives it ({@code state}: the state it reports). */
    public byte[] manifestBytes(Job job, JobState state, List<JobEvent> history, Map<String, Object> sinks) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("id", job.getKey());
        manifest.put("idFromContent", job.getRequest().keyFromContent());
        manifest.put("state", state.name());
        if (job.getReason() != null && state != JobState.DELIVERED) {
            manifest.put("reason", job.getReason());
        }
        manifest.put("provider", job.getProvider());
        manifest.put("providerGenerationId", job.getProviderJobId());
        manifest.put("source", job.getSource());
        manifest.put("request", job.getRequest());
        manifest.put("metadata", job.getRequest().metadata());
        manifest.put("createAttempts", job.getCreateAttempts());
        manifest.put("providerRetries", job.getProviderRetries());
        manifest.put("statusChecks", job.getChecks());
        manifest.put("cost", costOf(job));
        manifest.put("attempts", attempts.apply(job, state));
        List<Map<String, Object>> states = new ArrayList<>();
        for (JobEvent e : history) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("state", e.state().name());
            s.put("at", Instant.ofEpochMilli(e.at()).toString());
            if (e.detail() != null) {
                s.put("detail", e.detail());
            }
            states.add(s);
        }
        manifest.put("states", states);
        manifest.put("images", job.getStaged());
        if (sinks != null) {
            manifest.put("sinks", sinks);
        }
        try {
            return json.writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new DeliveryException("cannot write the manifest of job " + job.getKey() + ": " + e, e);
        }
    }

    /** The one currency costs are also shown in (imagegen.spend.currency), if the operator set one. */
    public void setConversions(Conversions conversions) {
        this.conversions = conversions;
    }

    /** The job's cost as the manifest and the API show it ({@link Conversions#view}); null: none. */
    public Map<String, Object> costOf(Job job) {
        return conversions.view(job.getProvider(), job.getCost(), job.getCostUnit(), job.getCostSource());
    }

    // ---- staging kept between delivery attempts (sinks) ------------------------------------------------

    public Path stagingFolder(Job job) {
        return inside(staging, job.getKey());
    }

    public Path stagedFile(Job job, StagedImage image) {
        return stagingFolder(job).resolve(image.file());
    }

    /**
     * Records that every image of the job is staged (data/staging/&lt;id&gt;/images.json), so later attempts and
     * other sinks deliver these files instead of downloading again: the provider's URLs expire.
     */
    public void recordStaged(Job job) {
        Path folder = stagingFolder(job);
        try {
            Files.createDirectories(folder);
            writeAtomically(folder.resolve(STAGED), json.writeValueAsBytes(job.getStaged()));
        } catch (IOException e) {
            throw new DeliveryException("cannot record the staged images of job " + job.getKey() + ": " + e, e);
        }
    }

    /** Loads the staged images recorded by {@link #recordStaged}; false when there is no complete set. */
    public boolean loadStaged(Job job) {
        Path record = stagingFolder(job).resolve(STAGED);
        job.getStaged().clear();
        if (!Files.exists(record)) {
            return false;
        }
        try {
            List<StagedImage> images = json.readValue(record.toFile(),
                    json.getTypeFactory().constructCollectionType(List.class, StagedImage.class));
            for (StagedImage image : images) {
                if (!Files.exists(stagedFile(job, image))) {
                    return false;
                }
            }
            job.getStaged().addAll(images);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes the job's staging folder once every sink has everything. */
    public void clearStaging(Job job) {
        Path folder = stagingFolder(job);
        if (!Files.exists(folder)) {
            return;
        }
        try (var files = Files.walk(folder)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new DeliveryException("cannot clear the staging folder of job " + job.getKey() + ": " + e, e);
        }
    }

    /** Resolves a job folder and refuses anything that would leave the root (ids are validated; this is the net). */
    private static Path inside(Path root, String key) {
        Path folder = root.resolve(key).normalize();
        if (!folder.getParent().equals(root)) {
            throw new IllegalArgumentException("job id '" + key + "' does not name a folder inside " + root);
        }
        return folder;
    }

    /** Rename in one step; across file systems, copy to a hidden temporary name beside the target first. */
    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Path temporary = to.resolveSibling("." + to.getFileName() + ".part");
            try {
                Files.copy(from, temporary, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temporary, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                deleteQuietly(temporary);
            }
            Files.delete(from);
        }
    }
}
