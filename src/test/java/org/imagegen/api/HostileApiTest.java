package org.imagegen.api;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.job.JobQueries;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.HostileCorpus.Expected;
import org.imagegen.support.HostileCorpus.HostileInput;
import org.imagegen.support.HostileCorpus;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.imagegen.support.ApiClient.json;

/**
 * The hostile input corpus (the same list the watched folder gets in HostileInputTest) POSTed to /api/generations
 * of the real bundle: an input with no good record gets 400 problem+json naming each record and field, one with
 * good records 202 with those accepted and the rest listed as problems, a body over imagegen.api.max-body-bytes
 * 413; the bundle keeps serving, and a good request sent right after each input is delivered.
 */
@ExtendWith(PostgresJobStore.class)
class HostileApiTest {

    /** imagegen.api.max-body-bytes here: the corpus' over-the-limit input is one byte more. */
    static final long LIMIT = 1_048_576;
    private static final String TOKEN = "hostile-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Folders FOLDERS = new Folders("hostile-api").clean();

    private static RunningBundle bundle;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        bundle = RunningBundle.start(FOLDERS.fastBundle("imagegen.api.token=" + TOKEN,
                "imagegen.api.max-body-bytes=" + LIMIT, "imagegen.simulator.duration-max=300ms"));
        api = ApiClient.of(bundle, TOKEN);
    }

    @AfterAll
    static void stop() throws Exception {
        bundle.close();
    }

    static Stream<HostileInput> corpus() {
        return HostileCorpus.entriesWithoutNames(LIMIT).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachHostileInputIsAnsweredWithItsProblemsAndNothingElseIsLost(HostileInput input) {
        JobQueries store = bundle.bean("jobQueries", JobQueries.class);
        long jobsBefore = total(store);
        String contentType = input.name().endsWith(".csv") ? "text/csv" : "application/json";

        HttpResponse<byte[]> response = api.post("/api/generations", input.content(), contentType);

        if (input.name().equals("over-the-limit.json")) {
            // refused by the HTTP server before the body is read whole: memory stays bounded, nothing is parsed
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(total(store)).isEqualTo(jobsBefore);
        } else if (input.wholeRejected()) {
            assertThat(response.statusCode()).as(ApiClient.text(response)).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("application/problem+json"));
            JsonNode problem = json(response);
            assertThat(problem.path("status").asInt()).isEqualTo(400);
            assertProblems(problem, input);
            assertThat(total(store)).isEqualTo(jobsBefore);
        } else {
            assertThat(response.statusCode()).as(ApiClient.text(response)).isEqualTo(202);
            JsonNode answer = json(response);
            List<String> accepted = new ArrayList<>();
            answer.path("accepted").forEach(a -> accepted.add(a.path("id").asText()));
            assertThat(accepted).containsExactlyElementsOf(input.accepted());
            assertProblems(answer, input);
            for (String id : input.accepted()) {
                assertThat(FOLDERS.awaitManifest(id, WAIT).path("state").asText()).isEqualTo("DELIVERED");
            }
            assertThat(total(store)).isEqualTo(jobsBefore + input.accepted().size());
        }

        // the bundle still serves, and a good request sent right after is delivered
        String good = "good-after-" + input.name().replaceAll("[^A-Za-z0-9]", "-");
        HttpResponse<byte[]> created = api.post("/api/generations",
                "{\"id\": \"" + good + "\", \"prompt\": \"sent right after " + input.name() + "\"}");
        assertThat(created.statusCode()).as(ApiClient.text(created)).isEqualTo(202);
        assertThat(FOLDERS.awaitManifest(good, WAIT).path("state").asText()).isEqualTo("DELIVERED");
        await().atMost(WAIT).until(() -> json(api.get("/api/generations/" + good)).path("state").asText(),
                "DELIVERED"::equals);
    }

    private static void assertProblems(JsonNode answer, HostileInput input) {
        JsonNode problems = answer.path("problems");
        assertThat(problems).as(answer.toPrettyString()).hasSize(input.problems().size());
        for (Expected expected : input.problems()) {
            assertThat(problems).as(answer.toPrettyString()).anySatisfy(p -> {
                assertThat(p.path("record").asInt()).isEqualTo(expected.record());
                assertThat(p.path("field").isNull() || p.path("field").isMissingNode() ? null : p.path("field").asText())
                        .isEqualTo(expected.field());
                assertThat(p.path("message").asText()).contains(expected.message());
            });
        }
    }

    private static long total(JobQueries store) {
        return store.countByState().values().stream().mapToLong(Long::longValue).sum();
    }
}
