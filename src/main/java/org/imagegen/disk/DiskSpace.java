package org.imagegen.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Free space in the folders the bundle writes to, checked before it takes on something it must keep: an input before
 * it is accepted (the data folder holds the H2 job store, the Artemis journal and the staging of downloads; each
 * folder sink's root receives the images), an image download before it is staged, a folder sink before it is written.
 * Below {@code imagegen.disk.min-free-bytes} the work is refused for now, never failed: the room left below the
 * threshold is what the job store and the journal need to record the jobs already accepted. A statfs per check, no
 * cache: it costs microseconds and sees space return at once. No Camel imports; the routes call it.
 */
public class DiskSpace {

    private static final Logger LOG = LoggerFactory.getLogger(DiskSpace.class);
    public static final String SETTING = "imagegen.disk.min-free-bytes";

    private final Map<String, Path> folders;
    private final long recheckMs;
    private volatile long minFreeBytes;
    /** Inputs refused and not yet accepted, with when they were last logged: one line per input per recheck. */
    private final Map<String, Long> refused = new ConcurrentHashMap<>();

    /** {@code folders}: what each is (for the log and the reason, e.g. "data folder") and where. */
    public DiskSpace(long minFreeBytes, long recheckMs, Map<String, Path> folders) {
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException(SETTING + " must not be negative");
        }
        this.minFreeBytes = minFreeBytes;
        this.recheckMs = recheckMs;
        this.folders = new LinkedHashMap<>();
        folders.forEach((name, path) -> this.folders.put(name, path.toAbsolutePath().normalize()));
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** Changes the threshold while running (an operator making room for a while; tests simulating a full disk). */
    public void setMinFreeBytes(long minFreeBytes) {
        this.minFreeBytes = minFreeBytes;
    }

    public long recheckMs() {
        return recheckMs;
    }

    public Map<String, Path> folders() {
        return Map.copyOf(folders);
    }

    /**
     * Before an input (file, message, API request) is accepted: every folder must have room. Refused, the input is
     * logged (once per recheck) with the folder and its free space, and left to be tried again.
     */
    public void requireForIntake(String source) {
        String shortage = intakeShortage();
        if (shortage != null) {
            refused(source, shortage);
            throw new LowDiskSpaceException(shortage, recheckMs);
        }
        accepting(source);
    }

    /**
     * The same for inputs waiting in a folder, before they are read: false (and each one logged as refused) while a
     * folder is short of space, so that none of them is even picked up.
     */
    public boolean admitsIntake(java.util.Collection<String> sources) {
        String shortage = intakeShortage();
        if (shortage == null) {
            sources.forEach(this::accepting);
            return true;
        }
        sources.forEach(source -> refused(source, shortage));
        return false;
    }

    /** Null when every folder has room; else why not, for the first folder short of space. */
    public String intakeShortage() {
        for (Map.Entry<String, Path> folder : folders.entrySet()) {
            String shortage = shortage(folder.getKey(), folder.getValue());
            if (shortage != null) {
                return shortage;
            }
        }
        return null;
    }

    private void refused(String source, String shortage) {
        long now = System.currentTimeMillis();
        Long logged = refused.get(source);
        if (logged == null || now - logged >= recheckMs) {
            refused.put(source, now);
            LOG.warn("not accepting {} now: {}; it is left where it is and tried again when space returns",
                    source, shortage);
        }
    }

    private void accepting(String source) {
        if (refused.remove(source) != null) {
            LOG.warn("disk space is back ({}): accepting {}", describeAll(), source);
        }
    }

    /** Before images are downloaded into staging (under the data folder). */
    public void requireForStaging(String jobKey) {
        require("data folder", "cannot stage the images of job " + jobKey);
    }

    /** Before a folder sink's files are written under its root. */
    public void requireForSink(String sink) {
        require("folder sink " + sink, "cannot write to sink " + sink);
    }

    private void require(String name, String what) {
        Path folder = folders.get(name);
        String shortage = folder == null ? null : shortage(name, folder);
        if (shortage != null) {
            throw new LowDiskSpaceException(what + ": " + shortage, recheckMs);
        }
    }

    /** Null when the folder has room; else why not, naming the folder, its free space and the threshold. */
    private String shortage(String name, Path folder) {
        long free = freeBytes(folder);
        if (free >= minFreeBytes) {
            return null;
        }
        return name + " " + folder + " has " + size(free) + " free, below " + SETTING + " (" + size(minFreeBytes) + ")";
    }

    private String describeAll() {
        StringBuilder text = new StringBuilder();
        folders.forEach((name, path) -> text.append(text.isEmpty() ? "" : ", ").append(name).append(' ')
                .append(size(freeBytes(path))).append(" free"));
        return text.toString();
    }

    /** Usable bytes on the file system holding {@code folder} (its nearest existing parent if it is not made yet). */
    public static long freeBytes(Path folder) {
        Path existing = folder;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Long.MAX_VALUE;
        }
        try {
            return Files.getFileStore(existing).getUsableSpace();
        } catch (IOException e) {
            // a folder that cannot be asked is not refused for it: the write itself will say what is wrong
            return Long.MAX_VALUE;
        }
    }

    /**
     * Whether {@code error} (or a cause) means a disk was too full: this class's refusal, or a write that ran out of
     * space ("No space left on device", "Disk quota exceeded") after the check let it start.
     */
    public static boolean isShortOfSpace(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof LowDiskSpaceException) {
                return true;
            }
            if (t instanceof IOException && t.getMessage() != null) {
                String message = t.getMessage().toLowerCase(Locale.ROOT);
                if (message.contains("no space left on device") || message.contains("disk quota exceeded")
                        || message.contains("not enough space on the disk")) {
                    return true;
                }
            }
        }
        return false;
    }

    static String size(long bytes) {
        if (bytes >= 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
