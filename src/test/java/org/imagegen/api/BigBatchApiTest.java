package org.imagegen.api;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.imagegen.job.JobState;
import org.imagegen.job.JobQueries;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.HostileCorpus;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.imagegen.support.ApiClient.json;

/**
 * The hostile corpus' 100,000-record batch (about 6.3 MB of JSON Lines) POSTed to /api/generations with the
 * shipped imagegen.api.max-body-bytes (10 MiB, from config/): under the limit, so it is one request and every record
 * becomes a job (202). The same body over a lower limit gets 413 (HostileApiTest's over-the-limit input). The status
 * loop is held back, as in BigBatchTest: this measures the intake alone.
 */
@ExtendWith(PostgresJobStore.class)
class BigBatchApiTest {

    private static final int RECORDS = HostileCorpus.BIG_BATCH_RECORDS;
    private static final String TOKEN = "big-batch-token-0123456789";
    private static final Folders FOLDERS = new Folders("big-batch-api").clean();

    private static RunningBundle bundle;

    @BeforeAll
    static void start() throws Exception {
        List<String> properties = new ArrayList<>(List.of(FOLDERS.properties()));
        properties.addAll(List.of("imagegen.api.token=" + TOKEN, "imagegen.simulate=true",
                "imagegen.loop.tick=3600000ms"));
        bundle = RunningBundle.start(properties.toArray(String[]::new));
    }

    @AfterAll
    static void stop() throws Exception {
        bundle.close();
    }

    @Test
    void aHundredThousandRequestsInOneBodyAreAllAccepted() {
        byte[] body = HostileCorpus.bigBatch().getBytes(StandardCharsets.UTF_8);
        long limit = Long.parseLong(bundle.context().resolvePropertyPlaceholders("{{imagegen.api.max-body-bytes}}"));
        assertThat((long) body.length).as("the batch fits the shipped limit").isLessThan(limit);

        HttpResponse<byte[]> response = ApiClient.of(bundle, TOKEN).post("/api/generations", body,
                "application/x-ndjson");

        assertThat(response.statusCode()).as(ApiClient.text(response)).isEqualTo(202);
        JsonNode answer = json(response);
        assertThat(answer.path("records").asInt()).isEqualTo(RECORDS);
        assertThat(answer.path("accepted")).hasSize(RECORDS);
        assertThat(answer.path("problems")).isEmpty();
        JobQueries store = bundle.bean("jobQueries", JobQueries.class);
        Map<JobState, Long> byState = store.countByState();
        assertThat(byState.get(JobState.ACCEPTED)).isEqualTo(RECORDS);
        assertThat(byState.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(RECORDS);
        assertThat(store.find("big-99999").orElseThrow().getProvider()).isEqualTo("rendernet");
    }
}
