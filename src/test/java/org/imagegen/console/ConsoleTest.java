package org.imagegen.console;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.support.ConsoleClient;
import org.imagegen.support.Folders;
import org.imagegen.support.RunningBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The management port of the bundle started from the real routes/ and config/: every path needs the login, Hawtio
 * loads after it and its Jolokia lists the bundle's routes within the access policy, and the jobs endpoint shows
 * a delivered job with its thumbnails and a failed one with its reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleTest {

    private static final String PASSWORD = "s3cret-for-the-test";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Folders folders = new Folders("console").clean();
    private RunningBundle bundle;
    private int port;

    @BeforeAll
    void start() throws Exception {
        ConsoleTestSettings.enableManagementPort(true);
        bundle = RunningBundle.start(ConsoleTestSettings.with(folders, "imagegen.management.password=" + PASSWORD));
        port = bundle.bean(ConsoleConfiguration.BEAN, ManagementServer.class).port();
    }

    @AfterAll
    void stop() throws Exception {
        bundle.close();
        ConsoleTestSettings.enableManagementPort(false);
    }

    @Test
    void everyPathNeedsTheLogin() throws Exception {
        ConsoleClient anonymous = new ConsoleClient(port);
        for (String path : new String[] {"/", "/index.html", "/api/jobs", "/hawtio/", "/hawtio/jolokia/version"}) {
            HttpResponse<String> response = anonymous.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).as(path).hasValueSatisfying(
                    location -> assertThat(location).endsWith("/login.html"));
            assertThat(response.body()).as(path).doesNotContain("jobs.js").doesNotContain("\"agent\"");
        }
        assertThat(anonymous.get("/login.html").statusCode()).isEqualTo(200);
        // a Jolokia request is not carried out either
        HttpResponse<String> jolokia = anonymous.postJson("/hawtio/jolokia/",
                "{\"type\":\"search\",\"mbean\":\"org.apache.camel:*\"}");
        assertThat(jolokia.statusCode()).isIn(302, 303);
        assertThat(jolokia.body()).doesNotContain("org.apache.camel");
    }

    @Test
    void logoutEndsTheSession() throws Exception {
        ConsoleClient client = loggedIn();
        assertThat(client.get("/api/jobs").statusCode()).isEqualTo(200);
        HttpResponse<String> logout = client.get("/logout");
        assertThat(logout.statusCode()).isIn(302, 303);
        assertThat(client.get("/api/jobs").statusCode()).isEqualTo(302);
        assertThat(client.get("/hawtio/jolokia/version").statusCode()).isEqualTo(302);
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        ConsoleClient client = new ConsoleClient(port);
        HttpResponse<String> login = client.login("admin", "not-the-password");
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).contains("/login.html?error"));
        assertThat(client.get("/api/jobs").statusCode()).isEqualTo(302);
        assertThat(client.login("someone", PASSWORD).headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).contains("/login.html?error"));
    }

    @Test
    void afterLoginHawtioLoadsAndItsJolokiaListsTheBundlesRoutes() throws Exception {
        ConsoleClient client = loggedIn();

        HttpResponse<String> page = client.get("/hawtio/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).containsIgnoringCase("hawtio");

        JsonNode routes = JSON.readTree(client.postJson("/hawtio/jolokia/",
                "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"}").body());
        assertThat(routes.path("status").asInt()).isEqualTo(200);
        assertThat(routes.path("value").toString()).contains("claim-due-jobs").contains("ingest-folder");

        JsonNode ids = JSON.readTree(client.postJson("/hawtio/jolokia/",
                "{\"type\":\"read\",\"mbean\":\"org.apache.camel:type=routes,*\",\"attribute\":\"RouteId\"}").body());
        assertThat(ids.path("status").asInt()).isEqualTo(200);
        assertThat(ids.path("value").toString()).contains(bundle.context().getRoutes().get(0).getRouteId());
        assertThat(ids.path("value").size()).isEqualTo(bundle.context().getRoutes().size());

        // the Camel plugin's extras: in-flight browsing and processor-level statistics
        JsonNode context = JSON.readTree(client.postJson("/hawtio/jolokia/",
                "{\"type\":\"read\",\"mbean\":\"org.apache.camel:type=context,*\"}").body());
        assertThat(context.path("value").toString()).contains("\"ManagementStatisticsLevel\":\"Extended\"");
        JsonNode inflight = JSON.readTree(client.postJson("/hawtio/jolokia/", "{\"type\":\"read\","
                + "\"mbean\":\"org.apache.camel:type=services,name=DefaultInflightRepository,*\","
                + "\"attribute\":\"InflightBrowseEnabled\"}").body());
        assertThat(inflight.path("value").toString()).contains("\"InflightBrowseEnabled\":true");
    }

    @Test
    void jolokiaIsRestrictedToWhatHawtioNeeds() throws Exception {
        ConsoleClient client = loggedIn();
        // arbitrary diagnostic commands and heap dumps are closed
        JsonNode diagnostic = JSON.readTree(client.postJson("/hawtio/jolokia/", "{\"type\":\"exec\","
                + "\"mbean\":\"com.sun.management:type=DiagnosticCommand\",\"operation\":\"vmSystemProperties\"}").body());
        assertThat(diagnostic.path("status").asInt()).isEqualTo(403);
        JsonNode heapDump = JSON.readTree(client.postJson("/hawtio/jolokia/", "{\"type\":\"exec\","
                + "\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\",\"operation\":\"dumpHeap\","
                + "\"arguments\":[\"/tmp/x.hprof\",true]}").body());
        assertThat(heapDump.path("status").asInt()).isEqualTo(403);
        // no attribute is written
        JsonNode write = JSON.readTree(client.postJson("/hawtio/jolokia/", "{\"type\":\"write\","
                + "\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"Verbose\",\"value\":true}").body());
        assertThat(write.path("status").asInt()).isEqualTo(403);
        // system properties (which may hold keys passed as -D) are not readable
        JsonNode properties = JSON.readTree(client.postJson("/hawtio/jolokia/", "{\"type\":\"read\","
                + "\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"SystemProperties\"}").body());
        assertThat(properties.path("status").asInt()).isEqualTo(403);
        // while Camel operations Hawtio calls are allowed
        String contextName = JSON.readTree(client.postJson("/hawtio/jolokia/",
                "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=context,*\"}").body()).path("value").get(0).asText();
        JsonNode dump = JSON.readTree(client.postJson("/hawtio/jolokia/", "{\"type\":\"exec\",\"mbean\":"
                + JSON.writeValueAsString(contextName) + ",\"operation\":\"dumpRoutesAsXml()\"}").body());
        assertThat(dump.path("status").asInt()).isEqualTo(200);
        assertThat(dump.path("value").toString()).contains("claim-due-jobs");
    }

    @Test
    void jobsEndpointShowsDeliveredAndFailedJobsWithThumbnailsAndFilters() throws Exception {
        folders.drop("console.jsonl", """
                {"id": "console-ok", "prompt": "a lighthouse at dusk"}
                {"id": "console-bad", "prompt": "this one breaks sim:fail"}
                """);
        folders.awaitManifest("console-ok", WAIT);
        folders.awaitManifest("console-bad", WAIT);
        ConsoleClient client = loggedIn();

        JsonNode all = JSON.readTree(client.get("/api/jobs").body());
        JsonNode ok = job(all, "console-ok");
        assertThat(ok.path("state").asText()).isEqualTo("DELIVERED");
        assertThat(ok.path("provider").asText()).isEqualTo("all-images");
        assertThat(ok.path("images").asInt()).isEqualTo(4);
        assertThat(ok.path("generationMs").isNumber()).isTrue();
        assertThat(ok.path("totalMs").asLong()).isGreaterThanOrEqualTo(ok.path("generationMs").asLong());
        assertThat(all.path("counts").path("DELIVERED").asInt()).isGreaterThanOrEqualTo(1);

        HttpResponse<byte[]> thumbnail = client.getBytes("/api/jobs/console-ok/thumbnails/1");
        assertThat(thumbnail.statusCode()).isEqualTo(200);
        assertThat(thumbnail.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        byte[] original = Files.readAllBytes(folders.outbox.resolve("console-ok").resolve("1.jpg"));
        assertThat(thumbnail.body()).startsWith((byte) 0xFF, (byte) 0xD8).isNotEqualTo(original);
        assertThat(thumbnail.body().length).isLessThan(original.length);
        assertThat(client.get("/api/jobs/console-ok/thumbnails/5").statusCode()).isEqualTo(404);
        assertThat(client.get("/api/jobs/console-bad/thumbnails/1").statusCode()).isEqualTo(404);
        assertThat(client.get("/api/jobs/..%2F..%2Fconsole-ok/thumbnails/1").statusCode()).isIn(400, 404);

        JsonNode failed = JSON.readTree(client.get("/api/jobs?state=FAILED").body());
        assertThat(failed.path("jobs")).allSatisfy(job -> assertThat(job.path("state").asText()).isEqualTo("FAILED"));
        JsonNode bad = job(failed, "console-bad");
        assertThat(bad.path("reason").asText()).isNotBlank();
        assertThat(bad.path("images").asInt()).isZero();

        HttpResponse<String> wrongState = client.get("/api/jobs?state=BROKEN");
        assertThat(wrongState.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(wrongState.body()).path("error").asText()).startsWith("state: 'BROKEN'");
        HttpResponse<String> wrongLimit = client.get("/api/jobs?limit=0");
        assertThat(wrongLimit.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(wrongLimit.body()).path("error").asText()).startsWith("limit:");
    }

    @Test
    void jobsPageIsServedAfterLogin() throws Exception {
        ConsoleClient client = loggedIn();
        HttpResponse<String> page = client.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"/jobs.js\"></script>").contains("state-filter");
        assertThat(client.get("/jobs.js").body()).contains("/api/jobs");
    }

    private ConsoleClient loggedIn() throws Exception {
        ConsoleClient client = new ConsoleClient(port);
        HttpResponse<String> login = client.login("admin", PASSWORD);
        assertThat(login.statusCode()).isIn(302, 303);
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).doesNotContain("error"));
        return client;
    }

    private static JsonNode job(JsonNode list, String id) {
        for (JsonNode job : list.path("jobs")) {
            if (job.path("id").asText().equals(id)) {
                return job;
            }
        }
        throw new AssertionError("job " + id + " not in " + list);
    }
}
