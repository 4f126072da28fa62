package org.imagegen.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.support.ConsoleClient;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.imagegen.console.ConsoleBundle.PASSWORD;

/**
 * The console port of the bundle started from the real routes/ and config/: every path needs the login (a
 * browser's page navigation is sent to the login form, a script gets 401 and may log in with HTTP Basic), Hawtio
 * loads after it and its Jolokia lists the bundle's routes within the access policy, and the jobs endpoint shows
 * a delivered job with its thumbnails and a failed one with its reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresJobStore.class)
class ConsoleTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient SCRIPT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Folders folders = new Folders("console").clean();
    @AutoClose
    private ConsoleBundle console;
    private int port;

    @BeforeAll
    void start() throws Exception {
        console = ConsoleBundle.start(folders);
        port = console.port();
    }

    @Test
    void everyPathNeedsTheLoginAndABrowsersPageIsSentToTheLoginForm() throws Exception {
        ConsoleClient anonymous = new ConsoleClient(port);
        for (String path : new String[] {"/", "/index.html", "/hawtio/"}) {
            HttpResponse<String> response = anonymous.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).as(path).hasValueSatisfying(
                    location -> assertThat(location).endsWith("/login.html"));
            assertThat(response.body()).as(path).doesNotContain("jobs.js");
        }
        // the JSON paths answer 401 even to a browser's navigation: JSON, never a redirect to an HTML page
        for (String path : new String[] {"/api/jobs", "/hawtio/jolokia/version"}) {
            HttpResponse<String> response = anonymous.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(401);
            assertThat(response.headers().firstValue("Location")).as(path).isEmpty();
            assertThat(response.body()).as(path).doesNotContain("\"agent\"").doesNotContain("\"jobs\"");
        }
        assertThat(anonymous.get("/login.html").statusCode()).isEqualTo(200);
        // a Jolokia request is not carried out either
        HttpResponse<String> jolokia = anonymous.postJson("/hawtio/jolokia/",
                "{\"type\":\"search\",\"mbean\":\"org.apache.camel:*\"}");
        assertThat(jolokia.statusCode()).isEqualTo(401);
        assertThat(jolokia.body()).doesNotContain("org.apache.camel");
    }

    @Test
    void aScriptWithoutALoginGets401WithABasicChallengeNotARedirect() throws Exception {
        String[][] requests = {
            {"/api/jobs", null}, {"/api/jobs", "*/*"}, {"/api/jobs", "application/json"},
            {"/hawtio/jolokia/version", null}, {"/hawtio/jolokia/version", "*/*"},
            // not JSON paths, but the Accept header does not prefer HTML: not a page navigation either
            {"/", "*/*"}, {"/hawtio/", "application/json"}, {"/index.html", null},
        };
        for (String[] request : requests) {
            HttpResponse<String> response = script(request[0], request[1], null);
            String what = request[0] + " Accept: " + request[1];
            assertThat(response.statusCode()).as(what).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).as(what).hasValue("Basic realm=\"imagegen\"");
            assertThat(response.headers().firstValue("Location")).as(what).isEmpty();
            assertThat(response.headers().firstValue("Content-Type")).as(what).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(JSON.readTree(response.body()).path("error").asText()).as(what).startsWith("login required");
        }
        // an Authorization header makes any request a script's, even one whose Accept prefers HTML
        HttpResponse<String> bearer = script("/", ConsoleClient.NAVIGATION_ACCEPT, "Bearer abc");
        assertThat(bearer.statusCode()).isEqualTo(401);
        assertThat(bearer.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"imagegen\"");
        assertThat(JSON.readTree(bearer.body()).path("error").asText()).startsWith("login required");
    }

    @Test
    void aScriptLogsInWithHttpBasicAndGetsJson() throws Exception {
        String basic = basic("admin", PASSWORD);
        HttpResponse<String> jobs = script("/api/jobs", null, basic);
        assertThat(jobs.statusCode()).isEqualTo(200);
        assertThat(jobs.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(JSON.readTree(jobs.body()).path("jobs").isArray()).isTrue();
        assertThat(JSON.readTree(jobs.body()).path("counts").isObject()).isTrue();

        HttpResponse<String> version = script("/hawtio/jolokia/version", "*/*", basic);
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(version.body()).path("value").path("agent").asText()).isNotBlank();

        // a Jolokia client's POST, and Hawtio's Jolokia policy still applies to it
        HttpResponse<String> routes = script(HttpRequest.newBuilder(URI.create(base() + "/hawtio/jolokia/"))
                .header("Authorization", basic).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"}")));
        assertThat(routes.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(routes.body()).path("value").toString()).contains("claim-due-jobs");
        HttpResponse<String> properties = script(HttpRequest.newBuilder(URI.create(base() + "/hawtio/jolokia/"))
                .header("Authorization", basic).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\","
                        + "\"attribute\":\"SystemProperties\"}")));
        assertThat(JSON.readTree(properties.body()).path("status").asInt()).isEqualTo(403);

        // a browser that sends Basic (no session) gets the page too, not the login form
        HttpResponse<String> page = script("/", ConsoleClient.NAVIGATION_ACCEPT, basic);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("jobs.js");
    }

    @Test
    void aWrongBasicLoginIsRefused() throws Exception {
        String[] wrong = {basic("admin", "not-the-password"), basic("someone", PASSWORD), basic("admin", ""),
            "Basic not-base64!", "Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes()), "Basic"};
        for (String authorization : wrong) {
            for (String path : new String[] {"/api/jobs", "/hawtio/jolokia/version", "/"}) {
                HttpResponse<String> response = script(path, null, authorization);
                assertThat(response.statusCode()).as(authorization + " " + path).isEqualTo(401);
                assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"imagegen\"");
                assertThat(response.body()).as(authorization + " " + path).doesNotContain("\"jobs\"")
                        .doesNotContain("\"agent\"").doesNotContain("jobs.js");
            }
        }
        assertThat(JSON.readTree(script("/api/jobs", null, basic("admin", "nope")).body()).path("error").asText())
                .isEqualTo("wrong user or password");
    }

    @Test
    void theConsolesOwnPagesGet401WithoutAChallengeSoTheBrowserAsksNothing() throws Exception {
        // a browser marks its pages' own requests same-origin; a Basic challenge would make it open a password dialog
        HttpResponse<String> response = script(HttpRequest.newBuilder(URI.create(base() + "/api/jobs?limit=100"))
                .header("Accept", "application/json").header("Sec-Fetch-Site", "same-origin")
                .header("Sec-Fetch-Mode", "cors").GET());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(response.body()).doesNotContain("\"jobs\"");
        // while a page the browser navigates to still goes to the login form
        HttpResponse<String> page = script(HttpRequest.newBuilder(URI.create(base() + "/"))
                .header("Accept", ConsoleClient.NAVIGATION_ACCEPT).header("Sec-Fetch-Site", "same-origin")
                .header("Sec-Fetch-Mode", "navigate").GET());
        assertThat(page.statusCode()).isEqualTo(302);
    }

    @Test
    void logoutEndsTheSession() throws Exception {
        ConsoleClient client = loggedIn();
        assertThat(client.getJson("/api/jobs").statusCode()).isEqualTo(200);
        HttpResponse<String> logout = client.get("/logout");
        assertThat(logout.statusCode()).isIn(302, 303);
        assertThat(client.getJson("/api/jobs").statusCode()).isEqualTo(401);
        assertThat(client.get("/hawtio/jolokia/version").statusCode()).isEqualTo(401);
        assertThat(client.get("/").statusCode()).isEqualTo(302);
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        ConsoleClient client = new ConsoleClient(port);
        HttpResponse<String> login = client.login("admin", "not-the-password");
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).contains("/login.html?error"));
        assertThat(client.getJson("/api/jobs").statusCode()).isEqualTo(401);
        assertThat(client.get("/").statusCode()).isEqualTo(302);
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
        assertThat(ids.path("value").toString()).contains(console.bundle().context().getRoutes().get(0).getRouteId());
        assertThat(ids.path("value").size()).isEqualTo(console.bundle().context().getRoutes().size());

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

        JsonNode all = JSON.readTree(client.getJson("/api/jobs").body());
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
        assertThat(client.getJson("/api/jobs/console-ok/thumbnails/5").statusCode()).isEqualTo(404);
        assertThat(client.getJson("/api/jobs/console-bad/thumbnails/1").statusCode()).isEqualTo(404);
        assertThat(client.getJson("/api/jobs/..%2F..%2Fconsole-ok/thumbnails/1").statusCode()).isIn(400, 404);

        JsonNode failed = JSON.readTree(client.getJson("/api/jobs?state=FAILED").body());
        assertThat(failed.path("jobs")).allSatisfy(job -> assertThat(job.path("state").asText()).isEqualTo("FAILED"));
        JsonNode bad = job(failed, "console-bad");
        assertThat(bad.path("reason").asText()).isNotBlank();
        assertThat(bad.path("images").asInt()).isZero();

        HttpResponse<String> wrongState = client.getJson("/api/jobs?state=BROKEN");
        assertThat(wrongState.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(wrongState.body()).path("error").asText()).startsWith("state: 'BROKEN'");
        HttpResponse<String> wrongLimit = client.getJson("/api/jobs?limit=0");
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

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    /** A script's request: no cookies, no redirects followed, the given Accept and Authorization headers. */
    private HttpResponse<String> script(String path, String accept, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return script(request);
    }

    private static HttpResponse<String> script(HttpRequest.Builder request) throws Exception {
        return SCRIPT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
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
