package org.imagegen.delivery;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.job.Job;
import org.imagegen.job.JobState;
import org.imagegen.job.JobQueries;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Closing;
import org.imagegen.support.Folders;
import org.imagegen.support.OpenSshServer;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SFTP sinks against a real OpenSSH server (a private sshd started for this test: its own host key, key-only login,
 * internal-sftp), with strict host-key checking: an absolute path is written at that absolute path, a relative one
 * under the login folder, and the location the manifest, the API and the log report is where the files are.
 * Runs wherever OpenSSH's sshd is installed (.ci/run installs it): the server is the test's own, so it needs no
 * service, port or account set up beforehand. SinksTest covers the same against an SFTP server in the JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresJobStore.class)
class SftpOpenSshTest {

    /**
     * An upper bound only, for a busy machine: camel-ftp tries a refused connection 3 more times, 1 s apart, each with
     * a key exchange, before the sink's try fails.
     */
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final String TOKEN = "sftp-openssh-test-token";

    private final Folders folders = new Folders("sftp-openssh").clean();
    private OpenSshServer sshd;
    private RunningBundle bundle;
    private JobQueries store;
    private Path absolute;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(OpenSshServer.available(), "OpenSSH's sshd is not installed (" + OpenSshServer.SSHD + ")");
        sshd = new OpenSshServer(folders.root.resolve("sshd"));
        absolute = folders.root.resolve("srv/incoming");
        // a known_hosts file that gives this server another key (the client's): the client must refuse the server
        String[] otherKey = Files.readString(sshd.root.resolve("client_key.pub")).strip().split("\\s+");
        Path wrongHosts = Files.writeString(folders.root.resolve("wrong_known_hosts"),
                "[127.0.0.1]:" + sshd.port() + " " + otherKey[0] + " " + otherKey[1] + "\n");
        List<String> settings = new ArrayList<>(List.of(
                "imagegen.api.token=" + TOKEN,
                "imagegen.delivery.max-attempts=1",
                "imagegen.sinks.names=outbox,abs,rel,impostor"));
        settings.addAll(sftpSink("abs", absolute.toString(), sshd.knownHosts));
        settings.addAll(sftpSink("rel", "upload/incoming", sshd.knownHosts));
        settings.addAll(sftpSink("impostor", "refused", wrongHosts));
        bundle = RunningBundle.start(folders.fastBundle(settings.toArray(String[]::new)));
        store = bundle.bean("jobQueries", JobQueries.class);
    }

    /** An SFTP sink on this test's sshd, logging in by key, host keys checked against {@code knownHosts}. */
    private List<String> sftpSink(String name, String path, Path knownHosts) {
        String p = "imagegen.sinks." + name + ".";
        return List.of(p + "type=sftp", p + "host=127.0.0.1", p + "port=" + sshd.port(), p + "user=" + sshd.user,
                p + "path=" + path, p + "private-key-file=" + sshd.clientKey, p + "known-hosts-file=" + knownHosts);
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(bundle, sshd);
    }

    @Test
    void anAbsolutePathIsWrittenThereAndARelativeOneUnderTheLoginFolder() throws Exception {
        folders.drop("openssh.json", """
                {"id": "to-openssh", "prompt": "a lighthouse at dusk", "sinks": ["outbox", "abs", "rel"]}""");

        await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> store.find("to-openssh").map(Job::getState).orElse(null) == JobState.DELIVERED);

        List<String> expected = List.of("1.jpg", "2.jpg", "3.jpg", "4.jpg", "manifest.json");
        assertThat(names(absolute.resolve("to-openssh"))).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(names(sshd.login.resolve("upload/incoming/to-openssh"))).containsExactlyInAnyOrderElementsOf(expected);
        // nothing under the login folder but the relative path: the absolute one was not made relative
        assertThat(names(sshd.login)).containsExactly("upload");

        String server = "sftp://127.0.0.1:" + sshd.port();
        String absoluteLocation = server + absolute + "/to-openssh/";
        String relativeLocation = server + "/~/upload/incoming/to-openssh/";
        byte[] manifest = Files.readAllBytes(folders.manifestPath("to-openssh"));
        JsonNode sinks = Folders.readJson(folders.manifestPath("to-openssh")).path("sinks");
        assertThat(sinks.path("abs").path("location").asText()).isEqualTo(absoluteLocation);
        assertThat(sinks.path("rel").path("location").asText()).isEqualTo(relativeLocation);
        JsonNode api = ApiClient.json(ApiClient.of(bundle, TOKEN).get("/api/generations/to-openssh"));
        assertThat(api.path("sinks").path("abs").path("location").asText()).isEqualTo(absoluteLocation);
        assertThat(api.path("sinks").path("rel").path("location").asText()).isEqualTo(relativeLocation);

        // one manifest: the same bytes over SFTP as in the outbox
        assertThat(Files.readAllBytes(absolute.resolve("to-openssh/manifest.json"))).isEqualTo(manifest);
        assertThat(Files.readAllBytes(sshd.login.resolve("upload/incoming/to-openssh/manifest.json"))).isEqualTo(manifest);

        // the server's own account: a key login as the configured user, to the SFTP subsystem
        assertThat(sshd.log()).contains("Accepted publickey for " + sshd.user + " from 127.0.0.1")
                .contains("subsystem 'sftp' for " + sshd.user);
    }

    @Test
    void aServerWhoseHostKeyIsNotTheKnownOneIsRefused() {
        folders.drop("impostor.json", """
                {"id": "to-impostor", "prompt": "a harbour", "sinks": ["impostor"]}""");

        await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> store.find("to-impostor").map(Job::getState).orElse(null) == JobState.DELIVERY_FAILED);

        JsonNode api = ApiClient.json(ApiClient.of(bundle, TOKEN).get("/api/generations/to-impostor"));
        assertThat(api.path("sinks").path("impostor").path("state").asText()).isEqualTo("FAILED");
        // the client hung up on the server when it showed another host key than the known one
        assertThat(sshd.log()).contains("HostKey has been changed: [127.0.0.1]:" + sshd.port());
        assertThat(sshd.login.resolve("refused")).doesNotExist();
    }

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
