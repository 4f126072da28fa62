package org.imagegen.delivery;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.imagegen.job.Job;
import org.imagegen.job.JobState;
import org.imagegen.request.GenerationRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Folder patterns that never leave the root, the folder sink's writes, the callback's signature, masking. */
class SinksUnitTest {

    private final Path root = Path.of("target/unit/sinks").toAbsolutePath();

    @Test
    void folderPatternsSubstituteSafeValuesOnly() {
        FolderPattern p = new FolderPattern("{metadata.team}/{year}/{month}/{id}", "k");
        long may5 = java.time.Instant.parse("2025-05-05T10:00:00Z").toEpochMilli();
        assertThat(p.folder("job-1", "rendernet", may5, Map.of("team", "a/../../etc"))).isEqualTo("a_.._.._etc/2025/05/job-1");
        assertThat(p.folder("job-1", "rendernet", may5, Map.of("team", ".."))).isEqualTo("_./2025/05/job-1");
        assertThat(p.folder("job-1", "rendernet", may5, Map.of())).isEqualTo("_/2025/05/job-1");
        assertThat(new FolderPattern("", "k").folder("x", "p", 0, Map.of())).isEqualTo("x");
        assertThat(new FolderPattern("{date}-{provider}", "k").folder("x", "p", may5, null)).isEqualTo("2025-05-05-p");
    }

    @Test
    void folderPatternsThatCouldLeaveTheRootAreRefusedAtStart() {
        for (String bad : List.of("../{id}", "/abs/{id}", "{id}/..", "a//{id}", "{id}/", "{nope}", "a\\b", "~/{id}")) {
            assertThatThrownBy(() -> new FolderPattern(bad, "imagegen.sinks.x.folder"))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("imagegen.sinks.x.folder");
        }
    }

    @Test
    void theFolderSinkWritesInsideItsRootOnlyAndOverwritesOnARetry() throws Exception {
        Sinks sinks = sinks("file-secret");
        SinkFile manifest = new SinkFile("job/manifest.json", "manifest.json", null, "{}".getBytes(), "application/json", 2, "x", true);
        sinks.writeFile("local", manifest);
        sinks.writeFile("local", new SinkFile("job/manifest.json", "manifest.json", null, "{\"a\":1}".getBytes(),
                "application/json", 7, "x", true));
        assertThat(Files.readString(root.resolve("out/job/manifest.json"))).isEqualTo("{\"a\":1}");
        try (var files = Files.list(root.resolve("out/job"))) {
            assertThat(files).hasSize(1);
        }
        assertThatThrownBy(() -> sinks.writeFile("local", new SinkFile("../escape", "e", null, new byte[0], "x", 0, "x", true)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theCallbackBodyIsSignedOverTimestampAndBody() throws Exception {
        Sinks sinks = sinks("s3cr3t-value");
        Job job = new Job();
        job.setKey("cb-1");
        job.setProvider("rendernet");
        job.setState(JobState.SUCCEEDED);
        job.setRequest(new GenerationRequest("cb-1", false, "rendernet", "p", null, null, null, null, Map.of(), Map.of(),
                List.of("hook")));
        byte[] manifest = "{\"id\":\"cb-1\"}".getBytes(StandardCharsets.UTF_8);
        Sinks.Callback callback = sinks.callback(job, "hook", sinks.files(job, "hook", manifest), 1_700_000_000_123L);

        byte[] body = Files.readAllBytes(callback.body());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cr3t-value".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update("1700000000.".getBytes(StandardCharsets.UTF_8));
        assertThat(callback.timestamp()).isEqualTo("1700000000");
        assertThat(callback.signature()).isEqualTo("sha256=" + HexFormat.of().formatHex(mac.doFinal(body)));
        assertThat(callback.contentType()).startsWith("multipart/form-data; boundary=");
        assertThat(new String(body, StandardCharsets.UTF_8)).contains("name=\"manifest\"; filename=\"manifest.json\"")
                .contains("{\"id\":\"cb-1\"}");
        assertThatThrownBy(() -> sinks.callbackAnswered(callback, 503)).isInstanceOf(DeliveryException.class)
                .isNotInstanceOf(SinkRefusedException.class);
        assertThatThrownBy(() -> sinks.callbackAnswered(callback, 401)).isInstanceOf(SinkRefusedException.class);
        sinks.callbackAnswered(callback, 204);
        assertThat(callback.body()).doesNotExist();
    }

    @Test
    void secretsAreMaskedAndNeverPartOfALocation() {
        Sinks sinks = sinks("s3cr3t-value");
        assertThat(sinks.mask("failed: password s3cr3t-value rejected")).isEqualTo("failed: password *** rejected");
        assertThat(sinks.spec("hook").location("j")).isEqualTo("https://receiver.example/hook");
        assertThat(sinks.endpoint("hook")).doesNotContain("s3cr3t-value").doesNotContain("token");
        SinkSpec sftp = new SinkSpec("cdn", SinkType.SFTP, new FolderPattern("{id}", "k"), Map.of("host", "h",
                "port", "22", "path", "/in", "user", "u", "password", "pw-secret", "strict-host-key-checking", "yes",
                "timeout-ms", "1000"));
        String uri = new Sinks(List.of(sftp), List.of("cdn"), Map.of(), null, Set.of()).endpoint("cdn");
        // the folder is in each file's name (absolute as configured), not in the URI, where camel-ftp would strip its '/'
        assertThat(uri).startsWith("sftp://h:22?").contains("password=RAW({{imagegen.sinks.cdn.password}})")
                .contains("tempPrefix=").doesNotContain("pw-secret");
    }

    @Test
    void anSftpPathIsAbsoluteWithALeadingSlashAndRelativeToTheLoginFolderWithout() {
        assertThat(sftp("/incoming").sftpDirectory()).isEqualTo("/incoming/");
        assertThat(sftp("/incoming").location("j")).isEqualTo("sftp://h:22/incoming/j/");
        assertThat(sftp("//srv//in/").sftpDirectory()).isEqualTo("/srv/in/");
        assertThat(sftp("/").location("j")).isEqualTo("sftp://h:22/j/");
        assertThat(sftp("upload").sftpDirectory()).isEqualTo("upload/");
        assertThat(sftp("upload/").location("j")).isEqualTo("sftp://h:22/~/upload/j/");
        assertThat(sftp("").sftpDirectory()).isEmpty();
        assertThat(sftp("").location("j")).isEqualTo("sftp://h:22/~/j/");
    }

    private static SinkSpec sftp(String path) {
        return new SinkSpec("cdn", SinkType.SFTP, new FolderPattern("{id}", "k"), Map.of("host", "h", "port", "22",
                "path", path, "user", "u", "password", "pw", "strict-host-key-checking", "yes", "timeout-ms", "1000"));
    }

    private Sinks sinks(String secret) {
        ResultFolders resultFolders = new ResultFolders(root.resolve("outbox"), root.resolve("data"), 1_000_000);
        SinkSpec local = new SinkSpec("local", SinkType.FILE, new FolderPattern("{id}", "k"),
                Map.of("root", root.resolve("out").toString()));
        SinkSpec hook = new SinkSpec("hook", SinkType.HTTP, new FolderPattern("{id}", "k"),
                Map.of("url", "https://user:token@receiver.example/hook?token=abc", "secret", secret,
                        "timeout-ms", "1000", "connect-timeout-ms", "1000"));
        return new Sinks(List.of(local, hook), List.of("local"), Map.of(), resultFolders, Set.of(secret));
    }
}
