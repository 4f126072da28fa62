package org.imagegen.provider.definition;

import org.imagegen.job.Job;
import org.imagegen.provider.CreateResult;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ProviderCall;
import org.imagegen.provider.StatusResult;
import org.imagegen.support.TestJobs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The status side of a definition without Camel: {@code $url} and {@code $status}, a result fetched by a second call
 * (state fetch, resultOutcome), the queue position and progress, and the status URL kept beside the generation id.
 */
class DefinedProviderStatusUnitTest {

    private static final String BASE = "https://queue.example.run";
    private static final String STATUS = BASE + "/flux/requests/r1/status?logs=1";
    private static final String RESPONSE = BASE + "/flux/requests/r1";

    /**
     * The create of a fal-like queue API at {@code base}: its key as {@code Key <key>}, the answer's request id and the
     * status URL beside it, which the status side reads (also {@link DefinedProviderQueueUnitTest}'s start).
     */
    static ProviderDefinition queueCreate(String base) {
        ProviderDefinition d = new ProviderDefinition();
        d.setBaseUrl(base);
        d.setApiKey("k-1");
        d.setAuthFormat("Key %s");
        d.setCreateBody("{prompt: .prompt}");
        d.setCreateId(".request_id");
        d.setCreateStatusUrl(".status_url");
        return d;
    }

    /** A fal-like API: status and result at the URLs the create returned, the result fetched once COMPLETED. */
    private static ProviderDefinition queue() {
        ProviderDefinition d = queueCreate(BASE);
        d.setCreatePath("/flux/dev");
        d.setErrorMessage(".detail | tostring");
        d.setStatusOutcome("""
                if .status == "COMPLETED" then {state: "fetch", url: .response_url}
                elif .status == "IN_QUEUE" then {state: "queued", position: .queue_position}
                elif .status == "IN_PROGRESS" then {state: (if $url | test("logs=1") then "running" else "unknown" end), progress: .pct}
                else {state: "unknown"} end""");
        d.setResultOutcome("""
                if $status == 200 then {state: "succeeded", images: [.images[]?.url]}
                elif $status == 422 then {state: "failed", reason: (([.detail[]?.msg] | join("; ")) + " at " + $url)}
                elif .again then {state: "fetch", url: "/again"}
                else {state: "unknown"} end""");
        d.setCancelMethod("PUT");
        d.setCancelPath("${statusUrl}&cancel=1");
        return d;
    }

    private static Job job(String id, String statusUrl) {
        Job job = TestJobs.of(TestJobs.request("job-1", "queue", "a fox"));
        job.setProviderJobId(id);
        job.setStatusUrl(statusUrl);
        return job;
    }

    private static HttpReply reply(int status, String body, String url) {
        return new HttpReply(status, body, null, "application/json", url);
    }

    @Test
    void theCreateKeepsTheProvidersIdAndTheStatusUrlApart() {
        DefinedProvider queue = new DefinedProvider("queue", queue());

        CreateResult created = queue.readCreate(reply(200, "{\"request_id\": \"r1\", \"status_url\": \"" + STATUS
                + "\", \"response_url\": \"" + RESPONSE + "\"}", BASE + "/flux/dev"));

        assertThat(created.kind()).isEqualTo(CreateResult.Kind.CREATED);
        assertThat(created.providerJobId()).isEqualTo("r1");
        assertThat(created.statusUrl()).isEqualTo(STATUS);
        ProviderCall status = queue.statusCall(job("r1", STATUS));
        assertThat(status.url()).as("as returned, query string and all").isEqualTo(STATUS);
        assertThat(status.authenticated()).isTrue();
        ProviderCall cancel = queue.deleteCall(job("r1", STATUS));
        assertThat(cancel.method()).isEqualTo("PUT");
        assertThat(cancel.url()).as("${statusUrl} put in as it is").isEqualTo(STATUS + "&cancel=1");
    }

    @Test
    void withoutAnIdTheStatusUrlStandsForItAndJobsOfEarlierVersionsAreCheckedAtTheirId() {
        DefinedProvider queue = new DefinedProvider("queue", queue());

        CreateResult noId = queue.readCreate(reply(200, "{\"status_url\": \"" + STATUS + "\"}", null));
        assertThat(noId.kind()).isEqualTo(CreateResult.Kind.CREATED);
        assertThat(noId.providerJobId()).isEqualTo(STATUS);
        assertThat(noId.statusUrl()).isEqualTo(STATUS);
        String tooLong = BASE + "/x?" + "a".repeat(2100);
        assertThat(queue.readCreate(reply(200, "{\"request_id\": \"r1\", \"status_url\": \"" + tooLong + "\"}", null))
                .kind()).as("longer than the column").isEqualTo(CreateResult.Kind.UNCONFIRMED);

        // a job created before the status URL column: its status URL was stored as its id
        assertThat(queue.statusCall(job(STATUS, null)).url()).isEqualTo(STATUS);
        assertThat(queue.deleteCall(job("r1", null))).as("no status URL to cancel at").isNull();
        assertThatThrownBy(() -> queue.statusCall(job("r1", null))).as("found by id, never given a status URL")
                .hasMessageContaining("job-1").hasMessageContaining("statusPath");
    }

    @Test
    void withoutAStatusUrlTheStatusPathServesWhenDeclared() {
        ProviderDefinition d = queue();
        d.setStatusPath("/flux/requests/${id}/status");
        DefinedProvider queue = new DefinedProvider("queue", d);

        CreateResult created = queue.readCreate(reply(200, "{\"request_id\": \"r 2\"}", null));

        assertThat(created.kind()).isEqualTo(CreateResult.Kind.CREATED);
        assertThat(created.statusUrl()).isNull();
        assertThat(queue.statusCall(job("r 2", null)).url()).isEqualTo(BASE + "/flux/requests/r%202/status");
        assertThat(new DefinedProvider("queue", queue()).readCreate(reply(200, "{\"request_id\": \"r2\"}", null))
                .kind()).as("no status URL and no statusPath: nowhere to check").isEqualTo(CreateResult.Kind.UNCONFIRMED);
    }

    @Test
    void everyExpressionThatReadsAnAnswerSeesTheUrlAndTheStatus() {
        ProviderDefinition d = queue();
        d.setCreateId("($url | split(\"/\") | last) + \"-\" + ($status | tostring) + \"-\" + .request_id");
        DefinedProvider queue = new DefinedProvider("queue", d);

        CreateResult created = queue.readCreate(reply(201, "{\"request_id\": \"r1\", \"status_url\": \"" + STATUS
                + "\"}", BASE + "/flux/dev"));
        assertThat(created.providerJobId()).isEqualTo("dev-201-r1");

        StatusResult running = queue.readStatus(reply(202, "{\"status\": \"IN_PROGRESS\", \"pct\": 40.4}", STATUS));
        assertThat(running.kind()).as("the URL called had logs=1").isEqualTo(StatusResult.Kind.RUNNING);
        assertThat(running.progress()).isEqualTo(40);
        assertThat(queue.readStatus(reply(202, "{\"status\": \"IN_PROGRESS\"}", BASE + "/other")).kind())
                .isEqualTo(StatusResult.Kind.RETRY_LATER);
    }

    @Test
    void theResultUrlMayBeDerivedFromTheUrlCalled() {
        ProviderDefinition d = queue();
        d.setStatusOutcome("if .status == \"COMPLETED\" then {state: \"fetch\", url: ($url | sub(\"/status.*$\"; \"\"))}"
                + " else {state: \"running\"} end");
        DefinedProvider queue = new DefinedProvider("queue", d);

        assertThat(queue.checkStatus(reply(200, "{\"status\": \"COMPLETED\"}", STATUS)).fetch().url()).isEqualTo(RESPONSE);
    }

    @Test
    void theQueuePositionAndProgressAreTakenFromTheOutcome() {
        DefinedProvider queue = new DefinedProvider("queue", queue());

        StatusResult queued = queue.readStatus(reply(202, "{\"status\": \"IN_QUEUE\", \"queue_position\": 3}", STATUS));
        assertThat(queued.kind()).isEqualTo(StatusResult.Kind.QUEUED);
        assertThat(queued.position()).isEqualTo(3);
        assertThat(queued.progress()).isNull();
        assertThat(queue.readStatus(reply(202, "{\"status\": \"IN_PROGRESS\", \"pct\": 250}", STATUS)).progress())
                .as("kept within 0-100").isEqualTo(100);
        assertThat(queue.readStatus(reply(202, "{\"status\": \"IN_PROGRESS\", \"pct\": \"most\"}", STATUS)).progress())
                .as("not a number: not reported").isNull();
        assertThat(queue.readStatus(reply(202, "{\"status\": \"IN_QUEUE\", \"queue_position\": \"2\"}", STATUS))
                .position()).isEqualTo(2);
    }

    @Test
    void aCompletedStatusAsksForTheResultWhichResultOutcomeReads() {
        DefinedProvider queue = new DefinedProvider("queue", queue());

        StatusCheck check = queue.checkStatus(reply(200, "{\"status\": \"COMPLETED\", \"response_url\": \""
                + RESPONSE + "\"}", STATUS));
        assertThat(check.result()).isNull();
        assertThat(check.fetch().method()).isEqualTo("GET");
        assertThat(check.fetch().url()).isEqualTo(RESPONSE);
        assertThat(check.fetch().authenticated()).as("the provider's own origin").isTrue();
        assertThat(queue.readStatus(reply(200, "{\"status\": \"COMPLETED\", \"response_url\": \"" + RESPONSE + "\"}",
                STATUS)).kind()).as("outside the route, a fetch cannot be followed").isEqualTo(StatusResult.Kind.RETRY_LATER);

        assertThat(queue.readResult(reply(200, "{\"images\": [{\"url\": \"https://cdn.example/1.png\"}]}", RESPONSE))
                .imageUrls()).containsExactly("https://cdn.example/1.png");
        StatusResult invalid = queue.readResult(reply(422,
                "{\"detail\": [{\"loc\": [\"body\", \"prompt\"], \"msg\": \"prompt too long\", \"type\": \"value_error\"}]}",
                RESPONSE));
        assertThat(invalid.kind()).isEqualTo(StatusResult.Kind.FAILED);
        assertThat(invalid.reason()).isEqualTo("prompt too long at " + RESPONSE);
        StatusResult busy = new DefinedProvider("queue", queue()).readResult(new HttpReply(503, "{\"detail\": \"busy\"}",
                "7", null, RESPONSE));
        assertThat(busy.kind()).as("asked again later").isEqualTo(StatusResult.Kind.RETRY_LATER);
        assertThat(busy.retryAfter()).hasSeconds(7);
        assertThat(busy.reason()).contains("503").contains("busy");
        assertThat(queue.readResult(reply(404, "{\"again\": true}", RESPONSE)))
                .as("a fetch from resultOutcome is unknown: a failed check")
                .satisfies(r -> assertThat(r.kind()).isEqualTo(StatusResult.Kind.RETRY_LATER))
                .satisfies(r -> assertThat(r.reason()).contains("resultOutcome").contains("fetch"));
    }

    @Test
    void aFetchGoesWithTheKeyOnlyWhereTheKeyRulesAllowAndOnlyToAUrl() {
        DefinedProvider queue = new DefinedProvider("queue", queue());

        StatusCheck foreign = queue.checkStatus(reply(200, "{\"status\": \"COMPLETED\", \"response_url\":"
                + " \"https://elsewhere.example/r1\"}", STATUS));
        assertThat(foreign.fetch().authenticated()).isFalse();
        StatusCheck relative = queue.checkStatus(reply(200, "{\"status\": \"COMPLETED\", \"response_url\":"
                + " \"../result\"}", STATUS));
        assertThat(relative.fetch().url()).as("resolved against the status URL").isEqualTo(BASE + "/flux/requests/result");
        StatusCheck none = queue.checkStatus(reply(200, "{\"status\": \"COMPLETED\"}", STATUS));
        assertThat(none.fetch()).isNull();
        assertThat(none.result().kind()).isEqualTo(StatusResult.Kind.RETRY_LATER);
        assertThat(none.result().reason()).contains("no url");

        ProviderDefinition noResult = queue();
        noResult.setResultOutcome(null);
        StatusCheck unread = new DefinedProvider("queue", noResult).checkStatus(reply(200,
                "{\"status\": \"COMPLETED\", \"response_url\": \"" + RESPONSE + "\"}", STATUS));
        assertThat(unread.fetch()).isNull();
        assertThat(unread.result().reason()).contains("resultOutcome");
    }
}
