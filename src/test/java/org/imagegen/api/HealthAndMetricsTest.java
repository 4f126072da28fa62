package org.imagegen.api;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.imagegen.support.ApiClient.json;
import static org.imagegen.support.ApiClient.text;

/**
 * Health and metrics on the API port, against the real routes/ and config/: readiness is UP with the job store and
 * the provider key, the bundle's series exist and move when jobs run (including 429 and 5xx answers), and readiness
 * goes DOWN, naming the job store, when the store is gone while liveness stays UP.
 */
@ExtendWith(PostgresJobStore.class)
class HealthAndMetricsTest {

    private static final String TOKEN = "metrics-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void seriesMoveWhenJobsRunAndReadinessFollowsTheJobStore() throws Exception {
        Folders folders = new Folders("observe").clean();
        try (RunningBundle bundle = RunningBundle.start(folders.fastBundle("imagegen.api.token=" + TOKEN,
                "imagegen.poll.queued-interval=200ms", "imagegen.poll.max-backoff=1s",
                // the 429 and 503 below answer the jobs' own status checks: the list must not answer those first
                "imagegen.providers.all-images.bulk-status=false"))) {
            ApiClient api = ApiClient.of(bundle, TOKEN);

            await().atMost(WAIT).until(() -> api.send("GET", "/observe/health/ready", null, null).statusCode() == 200);
            JsonNode ready = json(api.send("GET", "/observe/health/ready?exposureLevel=full", null, null));
            assertThat(ready.path("status").asText()).isEqualTo("UP");
            assertThat(ready.path("checks").findValuesAsText("name"))
                    .contains("job-store", "provider-key-all-images");

            String before = metrics(api);
            assertThat(value(before, "imagegen_jobs", "provider=\"all-images\",state=\"DELIVERED\"")).isEqualTo(0);
            assertThat(before).contains("imagegen_jobs_due");

            api.post("/api/generations", "{\"id\": \"m-plain\", \"prompt\": \"a plain one\"}");
            api.post("/api/generations", "{\"id\": \"m-429\", \"prompt\": \"rate limited sim:429x2\"}");
            api.post("/api/generations", "{\"id\": \"m-503\", \"prompt\": \"unavailable sim:503x2\"}");
            for (String id : List.of("m-plain", "m-429", "m-503")) {
                await().atMost(WAIT).until(() -> "DELIVERED".equals(json(api.get("/api/generations/" + id))
                        .path("state").asText()));
            }

            // the gauges are read from the store at most once a second
            await().atMost(WAIT).untilAsserted(() -> assertThat(value(metrics(api), "imagegen_jobs",
                    "provider=\"all-images\",state=\"DELIVERED\"")).isEqualTo(3));
            String after = metrics(api);
            assertThat(value(after, "imagegen_status_checks_seconds_count", "outcome=\"succeeded\",provider=\"all-images\""))
                    .isGreaterThanOrEqualTo(3);
            assertThat(value(after, "imagegen_provider_responses_total", "provider=\"all-images\",status=\"429\""))
                    .isGreaterThanOrEqualTo(2);
            assertThat(value(after, "imagegen_provider_responses_total", "provider=\"all-images\",status=\"5xx\""))
                    .isGreaterThanOrEqualTo(2);
            assertThat(value(after, "imagegen_provider_responses_total", "provider=\"all-images\",status=\"2xx\""))
                    .isGreaterThanOrEqualTo(3 + 3 * 4);
            assertThat(value(after, "imagegen_delivery_delay_seconds_count", "provider=\"all-images\""))
                    .isEqualTo(3);
            // every tick of the status loop is a claim, timed whether it found jobs or not
            assertThat(value(after, "imagegen_claim_seconds_count", "found=\"some\"")).isGreaterThanOrEqualTo(1);
            assertThat(value(after, "imagegen_claim_seconds_count", "found=\"none\"")).isGreaterThanOrEqualTo(1);
            // Camel's own route metrics are on the same page
            assertThat(after).contains("routeId=\"check-status\"");

            // the store goes away: not ready (503, the job store named), but alive
            bundle.bean("jobStoreDataSource", HikariDataSource.class).close();
            HttpResponse<byte[]> down = api.send("GET", "/observe/health/ready?exposureLevel=full", null, null);
            assertThat(down.statusCode()).isEqualTo(503);
            JsonNode downBody = json(down);
            assertThat(downBody.path("status").asText()).isEqualTo("DOWN");
            for (JsonNode check : downBody.path("checks")) {
                if (check.path("name").asText().equals("job-store")) {
                    assertThat(check.path("status").asText()).isEqualTo("DOWN");
                }
            }
            assertThat(downBody.path("checks").findValuesAsText("name")).contains("job-store");
            assertThat(api.send("GET", "/observe/health/live", null, null).statusCode()).isEqualTo(200);
            // and the API says the store is unavailable instead of failing obscurely
            HttpResponse<byte[]> unavailable = api.get("/api/generations/m-plain");
            assertThat(unavailable.statusCode()).isEqualTo(503);
            assertThat(text(unavailable)).contains("job store");
        }
    }

    private static String metrics(ApiClient api) {
        HttpResponse<byte[]> response = api.send("GET", "/observe/metrics", null, null);
        assertThat(response.statusCode()).isEqualTo(200);
        return text(response);
    }

    /** The value of one series (name and exact label set in Prometheus' order), 0 when absent. */
    private static double value(String scrape, String name, String labels) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name + "{" + labels) + "[^}]*\\} (\\S+)$", Pattern.MULTILINE)
                .matcher(scrape);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }
}
