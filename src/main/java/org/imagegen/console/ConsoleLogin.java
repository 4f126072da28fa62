package org.imagegen.console;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The one login of the console port. A configured password (imagegen.console.password, normally from the
 * environment) is used as it is and never written anywhere. Without one, a password is generated at the first start,
 * printed once to standard output, and only its PBKDF2 hash is kept (data/management-password); later starts read
 * the hash. Deleting that file makes the next start generate a new password.
 */
public final class ConsoleLogin {

    public static final String HASH_FILE = "management-password";

    private final String user;
    private final PasswordHash hash;

    private ConsoleLogin(String user, PasswordHash hash) {
        this.user = user;
        this.hash = hash;
    }

    /**
     * @param out where a generated password is shown: standard output, not the logger, so that it never reaches a
     *            log file or log shipper
     */
    public static ConsoleLogin resolve(String user, String configuredPassword, Path data, PrintStream out) {
        if (user.isBlank()) {
            throw new IllegalArgumentException("imagegen.console.user must not be empty");
        }
        if (!configuredPassword.isEmpty()) {
            return new ConsoleLogin(user, PasswordHash.of(configuredPassword.toCharArray()));
        }
        Path file = data.resolve(HASH_FILE);
        try {
            if (Files.exists(file)) {
                try {
                    return new ConsoleLogin(user, PasswordHash.parse(Files.readString(file, StandardCharsets.UTF_8)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ": " + e.getMessage()
                            + " (delete the file to have a new password generated)", e);
                }
            }
            String password = PasswordHash.generate();
            PasswordHash hash = PasswordHash.of(password.toCharArray());
            write(file, hash.stored());
            out.println();
            out.println("==================================================================================");
            out.println(" Management console login (shown only this once; only its hash is kept in");
            out.println(" " + file.toAbsolutePath() + "):");
            out.println("   user:     " + user);
            out.println("   password: " + password);
            out.println(" Set IMAGEGEN_CONSOLE_PASSWORD to choose your own.");
            out.println("==================================================================================");
            out.println();
            out.flush();
            return new ConsoleLogin(user, hash);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path part = file.resolveSibling(file.getFileName() + ".part");
        Files.writeString(part, content + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): the folder's own permissions apply
        }
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
    }

    public String user() {
        return user;
    }

    public boolean matches(String user, char[] password) {
        return this.user.equals(user) && hash.matches(password);
    }

    PasswordHash hash() {
        return hash;
    }
}
