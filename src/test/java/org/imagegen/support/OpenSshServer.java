package org.imagegen.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A private OpenSSH server (Debian's openssh-server, {@code /usr/sbin/sshd}) for one test, on 127.0.0.1 and a free
 * port: its own configuration, its own freshly generated host key, and one login, the user running the tests, by key
 * only (a client key generated here). SFTP is OpenSSH's own {@code internal-sftp}, whose login folder is
 * {@link #login} (a folder under target/), so a relative path lands there and an absolute one where it says. Nothing
 * outside its folder is read or changed but the privilege separation folder sshd needs when started as root.
 */
public final class OpenSshServer implements AutoCloseable {

    /** The sshd binary: {@code -Dimagegen.test.sshd.binary}, by default Debian's. */
    public static final Path SSHD = Path.of(System.getProperty("imagegen.test.sshd.binary", "/usr/sbin/sshd"));
    private static final Path KEYGEN = Path.of("/usr/bin/ssh-keygen");
    /** OpenSSH's compiled-in privilege separation folder (Debian: /run/sshd); systemd creates it for the service. */
    private static final Path PRIVSEP = Path.of("/run/sshd");

    public final Path root;
    public final Path login;
    public final Path clientKey;
    public final Path knownHosts;
    public final String user = System.getProperty("user.name");
    private final Path log;
    private final int port;
    private final Process process;

    /** True when this machine has OpenSSH's server and key generator. */
    public static boolean available() {
        return Files.isExecutable(SSHD) && Files.isExecutable(KEYGEN);
    }

    public OpenSshServer(Path root) throws IOException, InterruptedException {
        this.root = Files.createDirectories(root.toAbsolutePath());
        if (root.toString().matches(".*[\\s\"'].*")) {
            throw new IllegalArgumentException("sshd_config cannot name " + root + ": it holds spaces or quotes");
        }
        login = Files.createDirectories(this.root.resolve("login"));
        Path hostKey = keyPair("host_key");
        clientKey = keyPair("client_key");
        Path authorizedKeys = Files.copy(this.root.resolve("client_key.pub"), this.root.resolve("authorized_keys"));
        port = FreePorts.loopback();
        knownHosts = Files.writeString(this.root.resolve("known_hosts"), "[127.0.0.1]:" + port + " "
                + publicKey(this.root.resolve("host_key.pub")) + "\n");
        Path config = Files.writeString(this.root.resolve("sshd_config"), String.join("\n",
                "ListenAddress 127.0.0.1",
                "Port " + port,
                "HostKey " + hostKey,
                "PidFile none",
                "AuthorizedKeysFile " + authorizedKeys,
                // the test's folders are not root-owned and private as sshd's checks want for a user's ~/.ssh
                "StrictModes no",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "UsePAM no",
                "AllowUsers " + user,
                "LogLevel VERBOSE",
                // -d: the login folder (the home of a real account is left alone)
                "Subsystem sftp internal-sftp -d " + login,
                ""));
        if ("root".equals(user) && !Files.isDirectory(PRIVSEP)) {
            Files.createDirectories(PRIVSEP);
        }
        log = this.root.resolve("sshd.log");
        process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("sshd exited with " + process.exitValue() + ": " + log());
            }
            return accepts();
        });
    }

    public int port() {
        return port;
    }

    /** What sshd and its SFTP subsystem logged so far. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path keyPair(String name) throws IOException, InterruptedException {
        Path key = root.resolve(name);
        Files.deleteIfExists(key);
        Files.deleteIfExists(root.resolve(name + ".pub"));
        Process keygen = new ProcessBuilder(List.of(KEYGEN.toString(), "-q", "-t", "ed25519", "-N", "", "-C",
                "imagegen-test-" + name, "-f", key.toString())).redirectErrorStream(true).start();
        String output = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keygen.waitFor(30, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
            throw new IllegalStateException("ssh-keygen failed for " + name + ": " + output);
        }
        return key;
    }

    /** "ssh-ed25519 AAAA…" of a .pub file, without its comment. */
    private static String publicKey(Path pub) throws IOException {
        String[] fields = Files.readString(pub).strip().split("\\s+");
        return fields[0] + " " + fields[1];
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
