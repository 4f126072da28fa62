package org.imagegen.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Shared secrets of the HTTP side (the API token, the webhook path secret): taken from configuration when set,
 * otherwise generated once and kept in a file under the data folder that only the owner may read, so that a restart
 * keeps them and they never need to be written to a log.
 */
public final class Secrets {

    private Secrets() {
    }

    /** The configured value, or the one stored in {@code file} (created with 32 random bytes when absent). */
    public static Generated configuredOrStored(String configured, Path file) {
        if (configured != null && !configured.isBlank()) {
            return new Generated(configured.strip(), false);
        }
        try {
            if (Files.exists(file)) {
                String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!stored.isEmpty()) {
                    return new Generated(stored, false);
                }
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String value = HexFormat.of().formatHex(random);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path part = file.resolveSibling("." + file.getFileName() + ".part");
            Files.writeString(part, value + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the data folder's own permissions protect it
            }
            Files.move(part, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new Generated(value, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep a generated secret in " + file, e);
        }
    }

    /** A secret and whether it was generated just now (so the start-up log can say where to find it). */
    public record Generated(String value, boolean isNew) {
    }

    /**
     * Compares a presented secret with the expected one in time that does not depend on where they differ (both are
     * hashed first, so not even their lengths leak).
     */
    public static boolean matches(String presented, String expected) {
        if (presented == null || expected == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(presented), sha256(expected));
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
