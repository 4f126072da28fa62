package org.imagegen.delivery;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.job.Job;
import org.imagegen.job.JobState;
import org.imagegen.job.JobQueries;
import org.imagegen.support.ApiClient;
import org.imagegen.support.CallbackReceiver;
import org.imagegen.support.Closing;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.imagegen.support.SftpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A sink down for far longer than its retry window, "hours" compressed: an HTTP callback receiver and an SFTP server
 * that nothing answers on (connections refused) for every one of the sink's attempts. The job becomes DELIVERY_FAILED
 * naming both sinks, the folder sink it also selected is delivered once, the images stay in staging, the API and the
 * metrics show it; when the servers are back the operator retries it over the HTTP API and every sink ends up with
 * everything exactly once: one callback, one upload of each file, the folder sink's files not written again.
 */
@ExtendWith(PostgresJobStore.class)
class SinkOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SECRET = "outage-callback-secret";
    private static final String TOKEN = "sink-outage-token";

    private final Folders folders = new Folders("sink-outage").clean();
    private CallbackReceiver receiver;
    private SftpServer sftp;
    private RunningBundle bundle;

    @AfterEach
    void stop() throws Exception {
        Closing.all(bundle, receiver, sftp);
    }

    @Test
    void aSinkDownLongerThanItsRetriesKeepsTheImagesUntilTheOperatorRetriesAndDeliversEachOnce() throws Exception {
        // ports nothing listens on until the servers come back: every attempt is refused at the TCP level
        int callbackPort = freePort();
        int sftpPort = freePort();
        List<String> settings = new ArrayList<>(List.of(
                "imagegen.api.token=" + TOKEN,
                "imagegen.poll.max-backoff=300ms",
                "imagegen.delivery.max-attempts=3",
                "imagegen.sinks.names=outbox,notify,cdn"));
        settings.addAll(SinkSettings.http("notify", "http://127.0.0.1:" + callbackPort + "/ok", SECRET));
        settings.addAll(SinkSettings.sftp("cdn", sftpPort, "upload"));
        bundle = RunningBundle.start(folders.fastBundle(settings.toArray(String[]::new)));
        JobQueries store = bundle.bean("jobQueries", JobQueries.class);
        ApiClient api = ApiClient.of(bundle, TOKEN);

        folders.drop("outage.json", """
                {"id": "outage", "prompt": "a lighthouse in fog", "sinks": ["outbox", "notify", "cdn"]}""");
        awaitState(store, "outage", JobState.DELIVERY_FAILED);

        // what the operator sees: the job, the sinks that failed by name with their attempts and last error, the
        // sink that has everything
        JsonNode failed = ApiClient.json(api.get("/api/generations/outage"));
        assertThat(failed.path("state").asText()).isEqualTo("DELIVERY_FAILED");
        assertThat(failed.path("reason").asText()).contains("notify", "cdn", "data/staging/outage");
        JsonNode sinks = failed.path("sinks");
        assertThat(sinks.path("outbox").path("state").asText()).isEqualTo("DELIVERED");
        for (String sink : List.of("notify", "cdn")) {
            assertThat(sinks.path(sink).path("state").asText()).as(sink).isEqualTo("FAILED");
            assertThat(sinks.path(sink).path("attempts").asInt()).as(sink).isEqualTo(3);
            assertThat(sinks.path(sink).path("lastError").asText()).as(sink).isNotBlank();
        }
        // the error itself, not the wrapper of the split that sends file by file
        assertThat(sinks.path("cdn").path("lastError").asText()).contains("Cannot connect to sftp://")
                .doesNotContain("Multicast");
        assertThat(sinks.path("notify").path("lastError").asText()).contains("Connection refused");
        assertThat(failed.toString()).doesNotContain(SECRET, SinkSettings.SFTP_PASSWORD);
        await().atMost(WAIT).until(() -> deliveryFailedGauge(api) == 1);

        // the images are kept in staging, and still served by the API from the folder sink
        Map<String, Object> delivered = outboxFiles();
        assertThat(delivered).isNotEmpty();
        for (String image : delivered.keySet()) {
            assertThat(folders.data.resolve("staging/outage").resolve(image)).exists();
        }
        assertThat(api.get("/api/generations/outage/images/1").statusCode()).isEqualTo(200);

        // the servers come back, on the addresses the sinks are configured with; nothing is sent on its own
        receiver = new CallbackReceiver(SECRET, callbackPort);
        sftp = new SftpServer(folders.root.resolve("sftp"), SinkSettings.SFTP_USER,
                SinkSettings.SFTP_PASSWORD, sftpPort);
        assertThat(store.find("outage").map(Job::getState)).contains(JobState.DELIVERY_FAILED);
        assertThat(receiver.received).isEmpty();

        // the operator resumes it: only the failed sinks are tried again
        assertThat(api.post("/api/generations/outage/retry", "").statusCode()).isEqualTo(202);
        awaitState(store, "outage", JobState.DELIVERED);

        assertThat(receiver.of("/ok", "outage")).hasSize(1).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.signatureValid()).isTrue();
            assertThat(r.parts("image-")).isEqualTo(delivered.size());
        });
        Path remote = sftp.home.resolve("upload/outage");
        for (String image : delivered.keySet()) {
            assertThat(remote.resolve(image)).exists();
        }
        assertThat(remote.resolve("manifest.json")).exists();
        // each file uploaded once (a temporary name renamed when complete): one rename per image and the manifest
        assertThat(sftp.renames).hasSize(delivered.size() + 1);
        // the folder sink's images are the very files written before the outage (a rewrite is a new file)
        assertThat(outboxFiles()).isEqualTo(delivered);
        assertThat(Folders.readJson(folders.manifestPath("outage")).path("state").asText()).isEqualTo("DELIVERED");
        // staging is cleared just after the DELIVERED row is saved
        await().atMost(WAIT).until(() -> !Files.exists(folders.data.resolve("staging/outage")));
        await().atMost(WAIT).until(() -> deliveryFailedGauge(api) == 0);

        // a second retry is refused (nothing left to deliver), and nothing is sent again afterwards
        assertThat(api.post("/api/generations/outage/retry", "").statusCode()).isEqualTo(409);
        await().during(Duration.ofSeconds(2)).atMost(WAIT)
                .until(() -> receiver.of("/ok", "outage").size() == 1 && sftp.renames.size() == delivered.size() + 1);
    }

    /** The folder sink's images of the job, each with its file key (a file rewritten by rename gets a new one). */
    private Map<String, Object> outboxFiles() throws IOException {
        Map<String, Object> files = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(folders.outbox.resolve("outage"))) {
            for (Path p : list.filter(p -> p.getFileName().toString().matches("\\d+\\.\\w+")).sorted().toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                files.put(p.getFileName().toString(), a.fileKey() + "@" + a.lastModifiedTime().toMillis());
            }
        }
        return files;
    }

    /** The imagegen_jobs gauge summed over providers for state DELIVERY_FAILED. */
    private static double deliveryFailedGauge(ApiClient api) {
        HttpResponse<byte[]> response = api.send("GET", "/observe/metrics", null, null);
        assertThat(response.statusCode()).isEqualTo(200);
        Matcher m = Pattern.compile("^imagegen_jobs\\{[^}]*state=\"DELIVERY_FAILED\"[^}]*\\} (\\S+)$",
                Pattern.MULTILINE).matcher(ApiClient.text(response));
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitState(JobQueries store, String key, JobState state) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> store.find(key).map(Job::getState).orElse(null) == state);
    }
}
