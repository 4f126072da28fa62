package org.imagegen.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.imagegen.disk.DiskSpace;

/**
 * Small tmpfs file systems a test or the harness mounts over a folder, fills with a file and frees again: a full disk
 * that is real (writes fail with "No space left on device"), not simulated. Mounting needs root.
 */
public final class Tmpfs {

    private Tmpfs() {
    }

    /** Whether this process runs as root (uid 0), which {@code mount -t tmpfs} needs. */
    public static boolean isRoot() {
        try {
            return run("id", "-u").strip().equals("0");
        } catch (Exception e) {
            return false;
        }
    }

    /** Mounts a tmpfs of {@code size} ({@code 24m}, {@code 1g}) over {@code folder}, creating the folder. */
    public static void mount(Path folder, String size) throws Exception {
        Files.createDirectories(folder);
        run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", folder.toString());
    }

    public static void unmount(Path folder) throws Exception {
        run("umount", folder.toString());
    }

    /** Unmounts whatever is mounted over {@code folder}, if anything (left by a run that was itself killed). */
    public static void unmountIfMounted(Path folder) throws Exception {
        String mounts = Files.readString(Path.of("/proc/mounts"), StandardCharsets.UTF_8);
        if (mounts.contains(" " + folder.toAbsolutePath() + " ")) {
            unmount(folder);
        }
    }

    /**
     * Writes a filler file into {@code folder} until {@code leave} bytes are free on its file system, or, for 0, until
     * a write fails for want of space: the file system full to the last byte. Delete the file to free the space.
     */
    public static Path fill(Path folder, long leave) throws IOException {
        Path filler = folder.resolve("filler-" + System.nanoTime());
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                long free = DiskSpace.freeBytes(folder);
                if (leave > 0 && free <= leave) {
                    break;
                }
                int n = (int) Math.min(block.length, leave > 0 ? free - leave : block.length);
                out.write(block, 0, Math.max(n, 1));
                out.flush();
            }
        } catch (IOException e) {
            if (leave > 0 || !DiskSpace.isShortOfSpace(e)) {
                throw e;
            }
        }
        return filler;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
        }
        return output;
    }
}
