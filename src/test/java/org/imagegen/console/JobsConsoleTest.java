package org.imagegen.console;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.job.JobEvent;
import org.imagegen.job.JobQueries;
import org.imagegen.job.JobState;
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
 * The jobs page's server side on the console port, on the real routes/ and config/: its filters (each a query
 * parameter, a bad one a 400 naming it), a job's detail, the spend and budgets, and the retry and cancel actions -
 * behind the login, refused without the page's header or from another origin, with the HTTP API's state rules (409
 * when the state does not allow it) and the history naming the jobs page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(PostgresJobStore.class)
class JobsConsoleTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String[] PAGE_HEADER = {JobsServlet.CSRF_HEADER, "jobs-page"};

    private final Folders folders = new Folders("jobs-console").clean();
    @AutoClose
    private ConsoleBundle console;
    private JobQueries jobs;
    private ConsoleClient client;
    private long startedAt;

    @BeforeAll
    void start() throws Exception {
        startedAt = System.currentTimeMillis();
        console = ConsoleBundle.startJobsPage(folders);
        jobs = console.bundle().bean("jobQueries", JobQueries.class);
        client = new ConsoleClient(console.port());
        assertThat(client.login("admin", PASSWORD).headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).doesNotContain("error"));
        folders.dropRequests("jobs-page.jsonl");
        for (String id : new String[] {"jp-ok-1", "jp-ok-2", "jp-route-1"}) {
            awaitState(id, JobState.DELIVERED);
        }
        awaitState("jp-fail-1", JobState.FAILED);
        awaitState("jp-wait-1", JobState.RUNNING, JobState.SUBMITTED);
        awaitState("jp-wait-2", JobState.RUNNING, JobState.SUBMITTED);
    }

    @Test
    void eachFilterFindsItsJobsOnly() throws Exception {
        assertThat(ids("provider=all-images")).contains("jp-ok-1", "jp-route-1", "jp-fail-1");
        assertThat(ids("provider=rendernet")).isEmpty();
        assertThat(ids("route=fast")).containsExactly("jp-route-1");
        assertThat(ids("state=FAILED")).containsExactly("jp-fail-1");
        assertThat(ids("state=FAILED,DELIVERED")).containsExactlyInAnyOrder("jp-ok-1", "jp-ok-2", "jp-route-1",
                "jp-fail-1");
        assertThat(ids("id=jp-ok-1")).containsExactly("jp-ok-1");
        assertThat(ids("id=jp-ok")).containsExactlyInAnyOrder("jp-ok-1", "jp-ok-2");
        assertThat(ids("id=jp_ok")).as("'_' is matched as itself, not as any character").isEmpty();
        assertThat(ids("id=jp-ok&state=DELIVERED&provider=all-images")).containsExactlyInAnyOrder("jp-ok-1", "jp-ok-2");
        String from = Instant.ofEpochMilli(startedAt).toString();
        assertThat(ids("from=" + from)).hasSize(6);
        assertThat(ids("to=" + from)).isEmpty();
        assertThat(ids("from=" + Instant.now().plusSeconds(3600))).isEmpty();
        assertThat(ids("from=" + startedAt + "&to=" + (System.currentTimeMillis() + 1000) + "&id=jp-wait"))
                .containsExactlyInAnyOrder("jp-wait-1", "jp-wait-2");
        assertThat(ids("limit=2")).hasSize(2);
    }

    @Test
    void aBadFilterIsA400NamingTheParameter() throws Exception {
        String[][] bad = {
            {"state=BROKEN", "state: 'BROKEN' is not a job state"},
            {"provider=nobody", "provider: 'nobody' is not a provider; expected one of ["},
            {"route=slow", "route: 'slow' is not a route; expected one of [fast]"},
            {"from=yesterday", "from: 'yesterday' is neither an ISO-8601 instant"},
            {"to=2026-13-40", "to: '2026-13-40' is neither"},
            {"from=2026-11-30&to=2026-11-01", "to: must be after from"},
            {"limit=1000", "limit: '1000' is not a whole number from 1 to 500"},
            {"id=" + "x".repeat(129), "id: longer than a job's id can be"},
        };
        for (String[] query : bad) {
            HttpResponse<String> response = client.getJson("/api/jobs?" + query[0]);
            assertThat(response.statusCode()).as(query[0]).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).path("error").asText()).as(query[0]).startsWith(query[1]);
        }
    }

    @Test
    void theListCarriesTheSpendTheBudgetsAndTheFiltersChoices() throws Exception {
        JsonNode list = JSON.readTree(client.getJson("/api/jobs").body());
        JsonNode budget = list.path("budgets").get(0);
        assertThat(budget.path("provider").asText()).isEqualTo("all-images");
        assertThat(budget.path("period").asText()).isEqualTo("day");
        assertThat(budget.path("limit").asDouble()).isEqualTo(100.0);
        assertThat(budget.path("used").asDouble()).isGreaterThanOrEqualTo(12); // three generations of 4 bought images
        JsonNode spend = list.path("spend");
        assertThat(spend).hasSize(1);
        assertThat(spend.get(0).path("provider").asText()).isEqualTo("all-images");
        assertThat(spend.get(0).path("unit").asText()).isEqualTo("credits");
        assertThat(spend.get(0).path("amount").asDouble()).isEqualTo(12);
        assertThat(list.path("providers").toString()).contains("\"all-images\"", "\"rendernet\"");
        assertThat(list.path("routes").toString()).isEqualTo("[\"fast\"]");
    }

    @Test
    void aJobsDetailShowsItsTimelineAttemptsCostImagesSinksAndManifest() throws Exception {
        JsonNode ok = JSON.readTree(client.getJson("/api/jobs/jp-ok-1").body());
        assertThat(ok.path("state").asText()).isEqualTo("DELIVERED");
        List<String> states = new ArrayList<>();
        ok.path("states").forEach(s -> states.add(s.path("state").asText()));
        assertThat(states).startsWith("ACCEPTED").endsWith("DELIVERED").contains("SUBMITTED");
        assertThat(ok.path("states").get(0).path("at").asText()).isNotBlank();
        assertThat(ok.path("attempts")).hasSize(1);
        assertThat(ok.path("attempts").get(0).path("provider").asText()).isEqualTo("all-images");
        assertThat(ok.path("cost").path("amount").asDouble()).isEqualTo(4);
        assertThat(ok.path("cost").path("unit").asText()).isEqualTo("credits");
        assertThat(ok.path("thumbnails").asInt()).isEqualTo(4);
        assertThat(ok.path("sinks").elements().next().path("state").asText()).isEqualTo("DELIVERED");
        assertThat(ok.path("manifest").path("id").asText()).isEqualTo("jp-ok-1");
        assertThat(ok.path("manifest").path("state").asText()).isEqualTo("DELIVERED");
        assertThat(ok.path("actions").path("retry").asBoolean()).isFalse();
        assertThat(ok.path("actions").path("cancel").asBoolean()).isFalse();

        JsonNode waiting = JSON.readTree(client.getJson("/api/jobs/jp-wait-2").body());
        assertThat(waiting.path("actions").path("cancel").asBoolean()).isTrue();
        assertThat(waiting.path("actions").path("retry").asBoolean()).isFalse();

        HttpResponse<String> missing = client.getJson("/api/jobs/no-such-job");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).path("error").asText()).isEqualTo("no job with id 'no-such-job'");
    }

    @Test
    void actionsNeedTheLoginAndThePagesHeaderFromThisOrigin() throws Exception {
        ConsoleClient anonymous = new ConsoleClient(client.port());
        assertThat(anonymous.post("/api/jobs/jp-fail-1/retry", PAGE_HEADER).statusCode()).isEqualTo(401);
        assertThat(anonymous.post("/api/jobs/jp-wait-2/cancel", PAGE_HEADER).statusCode()).isEqualTo(401);

        HttpResponse<String> noHeader = client.post("/api/jobs/jp-wait-2/cancel");
        assertThat(noHeader.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(noHeader.body()).path("error").asText()).startsWith(JobsServlet.CSRF_HEADER + ":");
        HttpResponse<String> otherSite = client.post("/api/jobs/jp-wait-2/cancel", JobsServlet.CSRF_HEADER, "x",
                "Origin", "http://evil.example");
        assertThat(otherSite.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(otherSite.body()).path("error").asText()).startsWith("Origin: 'http://evil.example'");
        assertThat(jobs.find("jp-wait-2").orElseThrow().getState()).isIn(JobState.RUNNING, JobState.SUBMITTED);
        assertThat(client.post("/api/jobs/jp-wait-2/delete", PAGE_HEADER).statusCode()).isEqualTo(404);
    }

    @Test
    void anActionTheStateDoesNotAllowIsRefusedWithTheReason() throws Exception {
        HttpResponse<String> retry = client.post("/api/jobs/jp-ok-2/retry", PAGE_HEADER);
        assertThat(retry.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(retry.body()).path("error").asText())
                .isEqualTo("generation 'jp-ok-2' is DELIVERED; only [FAILED, TIMED_OUT, DELIVERY_FAILED] ones can be retried");
        HttpResponse<String> cancel = client.post("/api/jobs/jp-ok-2/cancel", PAGE_HEADER);
        assertThat(cancel.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(cancel.body()).path("error").asText()).startsWith("generation 'jp-ok-2' is DELIVERED; only");
        assertThat(client.post("/api/jobs/no-such-job/retry", PAGE_HEADER).statusCode()).isEqualTo(404);
        assertThat(client.post("/api/jobs/no-such-job/cancel", PAGE_HEADER).statusCode()).isEqualTo(404);
        assertThat(jobs.history("jp-ok-2")).extracting(JobEvent::state).endsWith(JobState.DELIVERED);
    }

    @Test
    void retryOfAFailedJobIsANewGenerationRecordedAsTheJobsPages() throws Exception {
        int eventsBefore = jobs.history("jp-fail-1").size();
        HttpResponse<String> retry = client.post("/api/jobs/jp-fail-1/retry", PAGE_HEADER);
        assertThat(retry.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(retry.body()).path("id").asText()).isEqualTo("jp-fail-1");
        JobEvent reopened = jobs.history("jp-fail-1").get(eventsBefore);
        assertThat(reopened.state()).isEqualTo(JobState.ACCEPTED);
        assertThat(reopened.detail()).isEqualTo("retry requested from the jobs page: a new generation (paid again)");
        // the simulator fails it again: a second generation was created and failed
        await().atMost(WAIT).until(() -> jobs.history("jp-fail-1").stream()
                .filter(e -> e.state() == JobState.FAILED).count() == 2);
        assertThat(jobs.find("jp-fail-1").orElseThrow().getCreateAttempts()).isEqualTo(2);
    }

    @Test
    void cancelOfAWaitingJobStopsItRecordedAsTheJobsPages() throws Exception {
        HttpResponse<String> cancel = client.post("/api/jobs/jp-wait-1/cancel", PAGE_HEADER);
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(cancel.body());
        assertThat(body.path("state").asText()).isEqualTo("CANCELLED");
        assertThat(body.path("providerDelete").asText()).isNotBlank();
        assertThat(jobs.find("jp-wait-1").orElseThrow().getState()).isEqualTo(JobState.CANCELLED);
        List<JobEvent> history = jobs.history("jp-wait-1");
        assertThat(history.get(history.size() - 1).detail()).isEqualTo("cancelled from the jobs page");
        // a second cancel is refused: the state no longer allows it
        assertThat(client.post("/api/jobs/jp-wait-1/cancel", PAGE_HEADER).statusCode()).isEqualTo(409);
    }

    private List<String> ids(String query) throws Exception {
        HttpResponse<String> response = client.getJson("/api/jobs?" + query.replace(":", "%3A"));
        assertThat(response.statusCode()).as(query + ": " + response.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        JSON.readTree(response.body()).path("jobs").forEach(job -> ids.add(job.path("id").asText()));
        return ids;
    }

    private void awaitState(String id, JobState... states) {
        await().atMost(WAIT).until(() -> jobs.find(id).map(job -> List.of(states).contains(job.getState()))
                .orElse(false));
    }
}
