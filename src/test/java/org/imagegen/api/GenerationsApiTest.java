package org.imagegen.api;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.imagegen.job.JobQueries;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.support.ApiBundle;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.imagegen.support.ApiClient.json;

/**
 * Contract tests of the HTTP API against the real routes/ and config/ (the bundle started as App starts it, on a free
 * port on 127.0.0.1, with the built-in simulators): every endpoint, auth, problem+json, 404 and pagination. Retry and
 * cancel, and their 409s, are {@link GenerationActionsApiTest}.
 */
@ExtendWith(PostgresJobStore.class)
class GenerationsApiTest {

    private static final String TOKEN = "test-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Folders FOLDERS = new Folders("api").clean();

    @RegisterExtension
    static final ApiBundle BUNDLE = new ApiBundle(FOLDERS, TOKEN, "imagegen.poll.queued-interval=200ms",
            "imagegen.poll.max-backoff=1s", "imagegen.api.max-body-bytes=65536");

    // ---- auth ----------------------------------------------------------------------------------------------------

    @Test
    void everyApiRouteRefusesARequestWithoutTheTokenOrWithAnotherOne() {
        JobQueries store = BUNDLE.bundle().bean("jobQueries", JobQueries.class);
        long jobsBefore = store.countByState().values().stream().mapToLong(Long::longValue).sum();
        for (String[] call : List.of(new String[] {"GET", "/api/generations"},
                new String[] {"GET", "/api/generations/x"}, new String[] {"GET", "/api/generations/x/images/1"},
                new String[] {"POST", "/api/generations"}, new String[] {"POST", "/api/generations/x/retry"},
                new String[] {"DELETE", "/api/generations/x"})) {
            for (String authorization : new String[] {null, "Bearer wrong-token", "Basic " + TOKEN}) {
                HttpResponse<byte[]> response = api().send(call[0], call[1], authorization,
                        call[0].equals("POST") ? "{\"prompt\": \"should never be accepted\"}" : null);
                assertThat(response.statusCode()).as(call[0] + " " + call[1] + " with " + authorization).isEqualTo(401);
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                        v -> assertThat(v).startsWith("application/problem+json"));
                assertThat(json(response).path("status").asInt()).isEqualTo(401);
            }
        }
        // refused before any step: nothing was accepted, retried or cancelled
        assertThat(store.countByState().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(jobsBefore);
    }

    @Test
    void theOpenApiDocumentIsServedWithoutTokenAndListsEveryRestRoute() throws Exception {
        HttpResponse<byte[]> response = api().send("GET", "/api/openapi.json", null, null);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode doc = json(response);
        assertThat(doc.path("openapi").asText()).startsWith("3.");

        List<RestDefinition> rests = BUNDLE.bundle().context().getCamelContextExtension().getContextPlugin(Model.class)
                .getRestDefinitions();
        List<String> routes = new ArrayList<>();
        for (RestDefinition rest : rests) {
            for (VerbDefinition verb : rest.getVerbs()) {
                String path = rest.getPath() + verb.getPath();
                routes.add(verb.asVerb() + " " + path);
                assertThat(doc.path("paths").path(path).has(verb.asVerb()))
                        .as(verb.asVerb().toUpperCase() + " " + path + " is in openapi.json").isTrue();
            }
        }
        assertThat(routes).contains("post /api/generations", "get /api/generations/{id}/images/{n}",
                "delete /api/generations/{id}", "post /webhooks/{provider}/{secret}");
    }

    // ---- create, read, images ------------------------------------------------------------------------------------

    @Test
    void aRequestIsAcceptedDeliveredAndReadableWithItsImages() throws Exception {
        HttpResponse<byte[]> created = api().post("/api/generations",
                "{\"id\": \"api-cat\", \"prompt\": \"a cat on a red sofa\", \"aspectRatio\": \"16:9\"}");

        assertThat(created.statusCode()).isEqualTo(202);
        assertThat(created.headers().firstValue("Location")).hasValue("/api/generations/api-cat");
        assertThat(json(created).path("accepted").get(0).path("id").asText()).isEqualTo("api-cat");
        assertThat(created.headers().firstValue("Authorization")).isEmpty();

        JsonNode job = api().awaitState("api-cat", "DELIVERED", WAIT);
        assertThat(job.path("provider").asText()).isEqualTo("all-images");
        assertThat(job.path("providerGenerationId").asText()).startsWith("print_");
        assertThat(job.path("times").path("accepted").asText()).isNotEmpty();
        assertThat(job.path("times").path("completed").asText()).isNotEmpty();
        assertThat(job.path("times").path("delivered").asText()).isNotEmpty();
        assertThat(job.path("sinks").path("outbox").path("state").asText()).isEqualTo("DELIVERED");
        assertThat(job.path("images")).hasSize(4);
        assertThat(job.path("request").path("aspectRatio").asText()).isEqualTo("16:9");

        JsonNode first = job.path("images").get(0);
        HttpResponse<byte[]> image = api().get(first.path("url").asText());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(image.body()).isEqualTo(Files.readAllBytes(
                FOLDERS.outbox.resolve("api-cat").resolve(first.path("file").asText())));

        assertThat(api().get("/api/generations/api-cat/images/5").statusCode()).isEqualTo(404);
        assertThat(json(api().get("/api/generations/api-cat/images/one")).path("problems").get(0).path("field").asText())
                .isEqualTo("n");
        assertThat(allImages().createsFor("api-cat")).isEqualTo(1);
    }

    @Test
    void theIdempotencyKeyIsTheIdOfARequestWithoutOneAndAReplayCreatesNothingNew() {
        String body = "{\"prompt\": \"a lighthouse at dusk\"}";
        HttpResponse<byte[]> first = api().post("/api/generations", body, "Idempotency-Key", "api-idem-1");
        HttpResponse<byte[]> replay = api().post("/api/generations", body, "Idempotency-Key", "api-idem-1");
        HttpResponse<byte[]> otherBody = api().post("/api/generations", "{\"prompt\": \"something else\"}",
                "Idempotency-Key", "api-idem-1");
        HttpResponse<byte[]> disagreeing = api().post("/api/generations", "{\"id\": \"api-idem-2\", \"prompt\": \"x\"}",
                "Idempotency-Key", "api-idem-3");

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(json(first).path("accepted").get(0).path("id").asText()).isEqualTo("api-idem-1");
        assertThat(replay.statusCode()).isEqualTo(202);
        assertThat(json(replay).path("accepted").get(0).path("id").asText()).isEqualTo("api-idem-1");
        assertThat(otherBody.statusCode()).isEqualTo(409);
        assertThat(json(otherBody).path("problems").get(0).path("field").asText()).isEqualTo("id");
        assertThat(disagreeing.statusCode()).isEqualTo(400);
        assertThat(json(disagreeing).path("problems").get(0).path("field").asText()).isEqualTo("id");

        api().awaitState("api-idem-1", "DELIVERED", WAIT);
        assertThat(allImages().createsFor("api-idem-1")).isEqualTo(1);
        assertThat(BUNDLE.bundle().bean("jobQueries", JobQueries.class).find("api-idem-2")).isEmpty();
    }

    @Test
    void aBatchWithABadRecordAcceptsTheOthersAndNamesTheRecordAndField() {
        HttpResponse<byte[]> response = api().post("/api/generations", """
                [{"id": "api-batch-1", "prompt": "first"},
                 {"id": "api-batch-2", "provider": "rendernet", "prompt": "bad ratio", "aspectRatio": "7:4"},
                 {"id": "api-batch-3", "provider": "rendernet", "prompt": "third"}]""");

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = json(response);
        assertThat(body.path("accepted").findValuesAsText("id")).containsExactly("api-batch-1", "api-batch-3");
        JsonNode problem = body.path("problems").get(0);
        assertThat(problem.path("record").asInt()).isEqualTo(2);
        assertThat(problem.path("id").asText()).isEqualTo("api-batch-2");
        assertThat(problem.path("field").asText()).isEqualTo("aspectRatio");
        api().awaitState("api-batch-1", "DELIVERED", WAIT);
        api().awaitState("api-batch-3", "DELIVERED", WAIT);
    }

    @Test
    void badInputIsAProblemDocumentListingEachProblem() {
        HttpResponse<byte[]> response = api().post("/api/generations", """
                [{"id": "api-bad-1", "promt": "typo"},
                 {"id": "api-bad-2", "prompt": "ok", "count": 3, "aspectRatio": "5:1"}]""");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/problem+json"));
        JsonNode body = json(response);
        assertThat(body.path("status").asInt()).isEqualTo(400);
        List<String> where = new ArrayList<>();
        for (JsonNode p : body.path("problems")) {
            where.add(p.path("record").asInt() + ":" + p.path("field").asText());
            assertThat(p.path("message").asText()).isNotBlank();
        }
        assertThat(where).contains("1:prompt", "1:promt", "2:count", "2:aspectRatio");

        assertThat(api().post("/api/generations", "").statusCode()).isEqualTo(400);
        HttpResponse<byte[]> notJson = api().post("/api/generations", "{\"prompt\": ");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(json(notJson).path("problems")).isNotEmpty();
        assertThat(BUNDLE.bundle().bean("jobQueries", JobQueries.class).find("api-bad-2")).isEmpty();
    }

    @Test
    void aBodyOverTheLimitIsRefusedUnread() {
        String prompt = "x".repeat(70_000);
        HttpResponse<byte[]> response = api().post("/api/generations", "{\"id\": \"api-huge\", \"prompt\": \"" + prompt + "\"}");

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(ApiReply.PROBLEM_JSON);
        assertThat(json(response).path("detail").asText()).contains("imagegen.api.max-body-bytes");
        assertThat(BUNDLE.bundle().bean("jobQueries", JobQueries.class).find("api-huge")).isEmpty();
    }

    @Test
    void anUnknownIdIsNotFoundOnEveryEndpoint() {
        for (HttpResponse<byte[]> response : List.of(api().get("/api/generations/no-such-job"),
                api().get("/api/generations/no-such-job/images/1"), api().post("/api/generations/no-such-job/retry", ""),
                api().delete("/api/generations/no-such-job"))) {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(json(response).path("detail").asText()).contains("no-such-job");
        }
    }

    // ---- list and pagination ---------------------------------------------------------------------------------------

    @Test
    void theListIsNewestFirstAndEveryJobAppearsOnceAcrossPages() {
        Instant since = Instant.now();
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            String id = "api-page-" + i;
            ids.add(id);
            assertThat(api().post("/api/generations", "{\"id\": \"" + id + "\", \"provider\": \"rendernet\", "
                    + "\"prompt\": \"page " + i + "\"}").statusCode()).isEqualTo(202);
        }

        List<String> seen = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = json(api().get("/api/generations?provider=rendernet&limit=2&since=" + since
                    + (cursor == null ? "" : "&cursor=" + cursor)));
            assertThat(page.path("items").size()).isLessThanOrEqualTo(2);
            page.path("items").forEach(item -> {
                seen.add(item.path("id").asText());
                accepted.add(item.path("accepted").asText());
            });
            cursor = page.path("next").isNull() ? null : page.path("next").asText();
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(new HashSet<>(seen)).hasSize(5);
        assertThat(pages).isEqualTo(3);
        List<String> sorted = new ArrayList<>(accepted);
        sorted.sort(java.util.Comparator.reverseOrder());
        assertThat(accepted).isEqualTo(sorted);

        for (String id : ids) {
            api().awaitState(id, "DELIVERED", WAIT);
        }
        JsonNode delivered = json(api().get("/api/generations?state=DELIVERED&provider=rendernet&since=" + since));
        assertThat(delivered.path("items").findValuesAsText("id")).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(json(api().get("/api/generations?state=FAILED&provider=rendernet&since=" + since)).path("items"))
                .isEmpty();
    }

    @Test
    void badQueryParametersAreProblemsNamingTheParameter() {
        Set<String> fields = new HashSet<>();
        for (String query : List.of("state=DONE", "provider=nope", "since=yesterday", "limit=0", "limit=100000",
                "cursor=%21%21")) {
            HttpResponse<byte[]> response = api().get("/api/generations?" + query);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("application/problem+json"));
            fields.add(json(response).path("problems").get(0).path("field").asText());
        }
        assertThat(fields).containsExactlyInAnyOrder("state", "provider", "since", "limit", "cursor");
    }

    private static ApiClient api() {
        return BUNDLE.api();
    }

    private static AllImagesSimulator allImages() {
        return BUNDLE.simulator("all-images", AllImagesSimulator.class);
    }
}
