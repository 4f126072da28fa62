package org.imagegen.delivery;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.job.Job;
import org.imagegen.job.OperatorActions;
import org.imagegen.job.JobState;
import org.imagegen.job.JobClaims;
import org.imagegen.job.JobQueries;
import org.imagegen.support.ApiClient;
import org.imagegen.support.CallbackReceiver;
import org.imagegen.support.Closing;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.imagegen.support.S3Server;
import org.imagegen.support.SftpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delivery to every kind of sink, end to end: the real routes/ and config/ with the simulators, against servers
 * running in this JVM on 127.0.0.1 — an S3-compatible store (S3Mock), an SFTP server (Apache MINA SSHD), and an
 * HTTP receiver that verifies each callback's signature — plus a second folder sink with a folder pattern.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresJobStore.class)
class SinksTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String BUCKET = "images";
    private static final String SECRET = "callback-secret-for-tests";
    private static final String TOKEN = "sinks-test-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Folders folders = new Folders("sinks").clean();
    private S3Server s3;
    private SftpServer sftp;
    private CallbackReceiver receiver;
    private RunningBundle bundle;
    private JobQueries store;
    private OperatorActions jobs;
    private Path vault;

    @BeforeAll
    void start() throws Exception {
        Files.createDirectories(folders.root);
        s3 = new S3Server(folders.root.resolve("s3"), BUCKET);
        sftp = new SftpServer(folders.root.resolve("sftp"), SinkSettings.SFTP_USER, SinkSettings.SFTP_PASSWORD);
        receiver = new CallbackReceiver(SECRET);
        vault = folders.root.resolve("vault");
        List<String> settings = new ArrayList<>(List.of(
                "imagegen.api.token=" + TOKEN,
                "imagegen.poll.max-backoff=400ms",
                "imagegen.delivery.max-attempts=3",
                "imagegen.sinks.names=outbox,dated,archive,cdn,vault,notify,flaky,stubborn,down,forged",
                "imagegen.sinks.dated.type=file",
                "imagegen.sinks.dated.root=" + folders.root.resolve("dated"),
                "imagegen.sinks.dated.folder={metadata.campaign}/{date}/{id}",
                "imagegen.sinks.archive.type=s3",
                "imagegen.sinks.archive.bucket=" + BUCKET,
                "imagegen.sinks.archive.prefix=generated/",
                "imagegen.sinks.archive.region=eu-west-1",
                "imagegen.sinks.archive.endpoint=" + s3.endpoint(),
                "imagegen.sinks.archive.path-style=true",
                "imagegen.sinks.archive.access-key=test-access",
                "imagegen.sinks.archive.secret-key=test-secret-key"));
        settings.addAll(SinkSettings.sftp("cdn", sftp.port(), "upload"));
        // the same server, an absolute path
        settings.addAll(SinkSettings.sftp("vault", sftp.port(), vault));
        settings.addAll(SinkSettings.http("notify", receiver.url("/ok"), SECRET));
        settings.addAll(SinkSettings.http("flaky", receiver.url("/flaky"), SECRET));
        settings.addAll(SinkSettings.http("stubborn", receiver.url("/stubborn"), SECRET));
        settings.addAll(SinkSettings.http("down", receiver.url("/down"), SECRET));
        settings.addAll(SinkSettings.http("forged", receiver.url("/strict"), "not-the-receivers-secret"));
        bundle = RunningBundle.start(folders.fastBundle(settings.toArray(String[]::new)));
        store = bundle.bean("jobQueries", JobQueries.class);
        jobs = bundle.bean("operatorActions", OperatorActions.class);
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(bundle, receiver, sftp, s3);
    }

    @Test
    void everySelectedSinkGetsEveryImageAndTheManifest() throws Exception {
        folders.drop("all.json", """
                {"id": "to-all", "prompt": "a lighthouse", "metadata": {"campaign": "spring/../x"},
                 "sinks": ["outbox", "dated", "archive", "cdn", "vault", "notify"]}""");

        awaitState("to-all", JobState.DELIVERED);

        // folder sink "outbox": today's layout
        JsonNode manifest = Folders.readJson(folders.manifestPath("to-all"));
        assertThat(manifest.path("state").asText()).isEqualTo("DELIVERED");
        assertThat(manifest.path("images")).hasSize(4);
        JsonNode sinks = manifest.path("sinks");
        assertThat(sinks.path("archive").path("location").asText()).isEqualTo("s3://images/generated/to-all/");
        assertThat(sinks.path("cdn").path("location").asText()).isEqualTo("sftp://127.0.0.1:" + sftp.port()
                + "/~/upload/to-all/");
        assertThat(sinks.path("vault").path("location").asText()).isEqualTo("sftp://127.0.0.1:" + sftp.port()
                + vault + "/to-all/");
        assertThat(sinks.path("notify").path("location").asText()).isEqualTo(receiver.url("/ok"));
        assertThat(manifest.toString()).doesNotContain("test-secret-key", SinkSettings.SFTP_PASSWORD, SECRET);

        // second folder sink: folder pattern from metadata and date; the metadata value cannot climb out
        try (Stream<Path> files = Files.walk(folders.root.resolve("dated"))) {
            List<String> names = files.filter(Files::isRegularFile)
                    .map(p -> folders.root.resolve("dated").relativize(p).toString()).toList();
            assertThat(names).hasSize(5).allMatch(n -> n.matches("spring_.._x/\\d{4}-\\d{2}-\\d{2}/to-all/[^/]+"));
        }

        // S3: every object with its content type and metadata
        List<S3Object> objects = s3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix("generated/to-all/")).contents();
        assertThat(objects).extracting(S3Object::key).containsExactlyInAnyOrder("generated/to-all/1.jpg",
                "generated/to-all/2.jpg", "generated/to-all/3.jpg", "generated/to-all/4.jpg", "generated/to-all/manifest.json");
        for (JsonNode image : manifest.path("images")) {
            String key = "generated/to-all/" + image.path("file").asText();
            HeadObjectResponse head = s3.client().headObject(b -> b.bucket(BUCKET).key(key));
            assertThat(head.contentType()).isEqualTo("image/jpeg");
            assertThat(head.contentLength()).isEqualTo(image.path("bytes").asLong());
            assertThat(head.metadata()).containsEntry("job-key", "to-all")
                    .containsEntry("sha256", image.path("sha256").asText());
            ResponseBytes<GetObjectResponse> bytes = s3.client().getObjectAsBytes(b -> b.bucket(BUCKET).key(key));
            assertThat(ImageType.sniff(bytes.asByteArray(), bytes.asByteArray().length)).isEqualTo(ImageType.JPEG);
        }
        JsonNode s3Manifest = JSON.readTree(s3.client().getObjectAsBytes(b -> b.bucket(BUCKET)
                .key("generated/to-all/manifest.json")).asByteArray());
        assertThat(s3Manifest.path("state").asText()).isEqualTo("DELIVERED");

        // SFTP: every file, each written under a temporary name and renamed, none left behind
        Path remote = sftp.home.resolve("upload/to-all");
        try (Stream<Path> files = Files.list(remote)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("1.jpg", "2.jpg", "3.jpg", "4.jpg", "manifest.json");
        }
        assertThat(Files.size(remote.resolve("1.jpg"))).isEqualTo(manifest.path("images").get(0).path("bytes").asLong());
        assertThat(sftp.renames).contains(".part-1.jpg -> 1.jpg", ".part-manifest.json -> manifest.json");
        // an absolute path is written there, not under the login folder
        try (Stream<Path> files = Files.list(vault.resolve("to-all"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("1.jpg", "2.jpg", "3.jpg", "4.jpg", "manifest.json");
        }
        try (Stream<Path> files = Files.list(sftp.home)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("upload");
        }

        // HTTP callback: one signed POST with the manifest and the four images
        List<CallbackReceiver.Received> posts = receiver.of("/ok", "to-all");
        assertThat(posts).hasSize(1);
        assertThat(posts.get(0).signatureValid()).isTrue();
        assertThat(posts.get(0).parts("manifest")).isEqualTo(1);
        assertThat(posts.get(0).parts("image-")).isEqualTo(4);
        assertThat(posts.get(0).body()).contains("\"id\" : \"to-all\"");

        // one manifest: the same bytes in every sink, with the times the job store and the API report
        byte[] bytes = Files.readAllBytes(folders.manifestPath("to-all"));
        try (Stream<Path> files = Files.walk(folders.root.resolve("dated"))) {
            assertThat(Files.readAllBytes(files.filter(p -> p.endsWith("manifest.json")).findFirst().orElseThrow()))
                    .isEqualTo(bytes);
        }
        assertThat(s3.client().getObjectAsBytes(b -> b.bucket(BUCKET).key("generated/to-all/manifest.json"))
                .asByteArray()).isEqualTo(bytes);
        assertThat(Files.readAllBytes(remote.resolve("manifest.json"))).isEqualTo(bytes);
        assertThat(Files.readAllBytes(vault.resolve("to-all/manifest.json"))).isEqualTo(bytes);
        assertThat(posts.get(0).part("manifest")).isEqualTo(bytes);
        JsonNode api = ApiClient.json(ApiClient.of(bundle, TOKEN).get("/api/generations/to-all"));
        List<JsonNode> apiStates = new ArrayList<>();
        api.path("states").forEach(apiStates::add);
        assertThat(apiStates.get(apiStates.size() - 1).path("state").asText()).isEqualTo("DELIVERED");
        List<JsonNode> manifestStates = new ArrayList<>();
        manifest.path("states").forEach(manifestStates::add);
        // every state up to the delivery, at the same times; the delivery's own time is the job store's alone
        assertThat(manifestStates).isEqualTo(apiStates.subList(0, apiStates.size() - 1));
        assertThat(manifestStates).extracting(s -> s.path("state").asText()).contains("SUCCEEDED");
        assertThat(api.path("sinks").path("vault").path("location").asText())
                .isEqualTo(sinks.path("vault").path("location").asText());

        assertThat(folders.data.resolve("staging/to-all")).doesNotExist();
    }

    @Test
    void aCallbackAnswering503IsRetriedUntilItIsAccepted() {
        folders.drop("flaky.json", """
                {"id": "to-flaky", "provider": "rendernet", "prompt": "a kite", "sinks": ["flaky"]}""");

        awaitState("to-flaky", JobState.DELIVERED);

        List<CallbackReceiver.Received> posts = receiver.of("/flaky", "to-flaky");
        assertThat(posts).extracting(CallbackReceiver.Received::status).containsExactly(503, 503, 200);
        assertThat(posts).allMatch(CallbackReceiver.Received::signatureValid);
    }

    @Test
    void aDeliveryRetriedByTheOperatorEndsWithTheOneManifestInEverySink() throws Exception {
        folders.drop("stubborn.json", """
                {"id": "to-stubborn", "prompt": "a windmill", "sinks": ["outbox", "stubborn"]}""");

        awaitState("to-stubborn", JobState.DELIVERY_FAILED);
        assertThat(Folders.readJson(folders.manifestPath("to-stubborn")).path("state").asText())
                .isEqualTo("DELIVERY_FAILED");
        assertThat(jobs.retryDelivery("to-stubborn")).isTrue();
        awaitState("to-stubborn", JobState.DELIVERED);

        // the outbox's failure record gave way to the manifest the callback carried, on every try
        byte[] manifest = Files.readAllBytes(folders.manifestPath("to-stubborn"));
        assertThat(Folders.readJson(folders.manifestPath("to-stubborn")).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(receiver.of("/stubborn", "to-stubborn")).extracting(CallbackReceiver.Received::status)
                .containsExactly(503, 503, 503, 200);
        assertThat(receiver.of("/stubborn", "to-stubborn"))
                .allSatisfy(r -> assertThat(r.part("manifest")).isEqualTo(manifest));
    }

    @Test
    void aFailingSinkNeitherBlocksNorRepeatsTheOthersAndCanBeRetried() throws Exception {
        folders.drop("mixed.json", """
                {"id": "mixed", "prompt": "a harbour", "sinks": ["archive", "notify", "down", "forged"]}""");

        awaitState("mixed", JobState.DELIVERY_FAILED);

        assertThat(receiver.of("/ok", "mixed")).hasSize(1);
        assertThat(receiver.of("/down", "mixed")).hasSize(3);
        // a receiver that refuses the signature (401) fails that sink at once: retrying would not change it
        assertThat(receiver.of("/strict", "mixed")).hasSize(1).allMatch(r -> !r.signatureValid() && r.status() == 401);
        assertThat(s3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix("generated/mixed/")).contents()).hasSize(5);
        JsonNode failed = Folders.readJson(folders.manifestPath("mixed"));
        assertThat(failed.path("state").asText()).isEqualTo("DELIVERY_FAILED");
        assertThat(failed.path("sinks").path("archive").path("state").asText()).isEqualTo("DELIVERED");
        assertThat(failed.path("sinks").path("down").path("state").asText()).isEqualTo("FAILED");
        assertThat(failed.path("sinks").path("down").path("lastError").asText()).contains("503");
        assertThat(failed.path("sinks").path("forged").path("lastError").asText()).contains("401");
        assertThat(failed.toString()).doesNotContain("not-the-receivers-secret", SECRET);
        assertThat(folders.data.resolve("staging/mixed/1.jpg")).exists();
        var lastModified = s3.client().headObject(b -> b.bucket(BUCKET).key("generated/mixed/1.jpg")).lastModified();

        // the operator brings the receiver back and retries over JMX (as from Hawtio's JMX tab): only the failed
        // sinks are tried again
        receiver.down = false;
        assertThat(retryOverJmx("mixed")).isTrue();
        await().atMost(WAIT).until(() -> receiver.of("/down", "mixed").size() == 4);
        await().atMost(WAIT).until(() -> receiver.of("/strict", "mixed").size() == 2);
        awaitState("mixed", JobState.DELIVERY_FAILED); // "forged" still has the wrong secret

        assertThat(receiver.of("/ok", "mixed")).hasSize(1);
        assertThat(s3.client().headObject(b -> b.bucket(BUCKET).key("generated/mixed/1.jpg")).lastModified())
                .isEqualTo(lastModified);
        // every try of every sink, before and after the operator's retry, carried the same manifest
        byte[] manifest = s3.client().getObjectAsBytes(b -> b.bucket(BUCKET).key("generated/mixed/manifest.json"))
                .asByteArray();
        assertThat(receiver.of("/down", "mixed")).hasSize(4)
                .allSatisfy(r -> assertThat(r.part("manifest")).isEqualTo(manifest));
        assertThat(receiver.of("/ok", "mixed").get(0).part("manifest")).isEqualTo(manifest);
        JsonNode again = Folders.readJson(folders.manifestPath("mixed"));
        assertThat(again.path("sinks").path("down").path("state").asText()).isEqualTo("DELIVERED");
        assertThat(again.path("sinks").path("forged").path("state").asText()).isEqualTo("FAILED");
        assertThat(jobs.retryDelivery("to-all")).isFalse(); // only DELIVERY_FAILED jobs are retried
    }

    /** Invokes retryDelivery on this bundle's org.imagegen:type=Jobs MBean, the way an operator's JMX console does. */
    private boolean retryOverJmx(String key) throws Exception {
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = new javax.management.ObjectName("org.imagegen:type=Jobs,instance="
                + javax.management.ObjectName.quote(bundle.bean("jobClaims", JobClaims.class).instanceId()));
        return (Boolean) server.invoke(name, "retryDelivery", new Object[] {key}, new String[] {String.class.getName()});
    }

    private Job awaitState(String key, JobState state) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> store.find(key).map(Job::getState).orElse(null) == state);
        return store.find(key).orElseThrow();
    }
}
