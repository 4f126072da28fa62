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

/**
 * The folder sink. Images are downloaded into {@code <data>/staging/<id>/} (streamed, size-limited, checked to be
 * images by their magic bytes), then moved into {@code <outbox>/<id>/} and the manifest is written last. Every file
 * appears by an atomic rename, so a reader of the outbox never sees half a file, and {@code manifest.json} present
 * means the job's folder is complete.
 */
public class Outbox {

    public static final String MANIFEST = "manifest.json";

    private final Path outbox;
    private final Path staging;
    private final long maxImageBytes;
    private final ObjectMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public Outbox(Path outbox, Path data, long maxImageBytes) {
        this.outbox = outbox.toAbsolutePath().normalize();
        this.staging = data.toAbsolutePath().normalize().resolve("staging");
        this.maxImageBytes = maxImageBytes;
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
        int number = index + 1;
        Path folder = inside(staging, job.getKey());
        if (status == null || status < 200 || status > 299) {
            close(body);
            throw new DeliveryException("image " + number + " from " + sourceUrl + " answered HTTP " + status
                    + (status != null && (status == 403 || status == 404) ? " (the URL may have expired)" : "")
                    + (status != null && status >= 300 && status < 400
                    ? " (redirects are not followed: their target would bypass the download-hosts check)" : ""));
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
                        throw new DeliveryException("image " + number + " from " + sourceUrl + " is larger than "
                                + maxImageBytes + " bytes (imagegen.delivery.max-image-bytes)");
                    }
                    out.write(buffer, 0, n);
                }
            }
            moveAtomically(part, folder.resolve(file));
            StagedImage image = new StagedImage(number, file, bytes, HexFormat.of().formatHex(sha256.digest()),
                    type.contentType(), sourceUrl);
            job.getStaged().add(image);
            return image;
        } catch (IOException e) {
            throw new DeliveryException("image " + number + " from " + sourceUrl + " could not be downloaded: " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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
        Path folder = jobFolder(job.getKey());
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("id", job.getKey());
        manifest.put("idFromContent", job.getRequest().keyFromContent());
        manifest.put("state", job.getState().name());
        if (job.getReason() != null) {
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
        try {
            Files.createDirectories(folder);
            Path part = folder.resolve("." + MANIFEST + ".part");
            json.writeValue(part.toFile(), manifest);
            moveAtomically(part, folder.resolve(MANIFEST));
        } catch (IOException e) {
            throw new DeliveryException("cannot write the manifest of job " + job.getKey() + ": " + e, e);
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
            Files.copy(from, temporary, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temporary, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.delete(from);
        }
    }
}
