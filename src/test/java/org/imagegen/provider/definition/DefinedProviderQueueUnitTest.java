package org.imagegen.provider.definition;

import org.imagegen.job.Job;
import org.imagegen.provider.HttpReply;
import org.imagegen.provider.ProviderCall;
import org.imagegen.provider.StatusResult;
import org.imagegen.support.TestJobs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a queue API such as fal's needs of a definition, without Camel: a query parameter left empty is not sent, a
 * result's error codes named in resultAnswerStatuses are read as answers, a cancel URL beside the status URL.
 */
class DefinedProviderQueueUnitTest {

    private static final String BASE = "https://queue.example.run";
    private static final String STATUS = BASE + "/owner/app/requests/r1/status";
    private static final String RESPONSE = BASE + "/owner/app/requests/r1";

    private static ProviderDefinition queue() {
        ProviderDefinition d = DefinedProviderStatusUnitTest.queueCreate(BASE);
        d.setCreatePath("/${model}?fal_webhook=${webhookUrl}&sync=1");
        d.setModel("owner/app/sub");
        d.setStatusOutcome("if .status == \"COMPLETED\" then {state: \"fetch\", url: .response_url}"
                + " else {state: \"running\"} end");
        d.setResultOutcome("""
                if $status == 200 then {state: "succeeded", images: [.images[]?.url]}
                elif (.error_type | type) == "string" then {state: "failed", reason: (.error_type + ": " + .detail)}
                else {state: "unknown"} end""");
        d.setResultAnswerStatuses("504");
        d.setCancelMethod("PUT");
        d.setCancelPath("${statusUrl}/../cancel");
        return d;
    }

    private static Job job() {
        Job job = TestJobs.of(TestJobs.request("job-1", "queue", "a fox"));
        job.setProviderJobId("r1");
        job.setStatusUrl(STATUS);
        return job;
    }

    @Test
    void aQueryParameterLeftEmptyIsNotSent() {
        assertThat(new DefinedProvider("queue", queue()).createCall(job()).url())
                .isEqualTo(BASE + "/owner/app/sub?sync=1");
        ProviderDefinition only = queue();
        only.setCreatePath("/${model}?fal_webhook=${webhookUrl}");
        assertThat(new DefinedProvider("queue", only).createCall(job()).url()).isEqualTo(BASE + "/owner/app/sub");
        assertThat(DefinitionValues.withoutEmptyParameters("/a?x=1&y=&z=2#top")).isEqualTo("/a?x=1&z=2#top");
        assertThat(DefinitionValues.withoutEmptyParameters("/a")).isEqualTo("/a");
    }

    @Test
    void aResultErrorCodeTheDefinitionNamesIsAnAnswerAndOnlyThatOne() {
        DefinedProvider queue = new DefinedProvider("queue", queue());

        StatusResult timedOut = queue.readResult(new HttpReply(504,
                "{\"detail\": \"Request timed out\", \"error_type\": \"request_timeout\"}", null, "application/json",
                RESPONSE));
        assertThat(timedOut.kind()).isEqualTo(StatusResult.Kind.FAILED);
        assertThat(timedOut.reason()).isEqualTo("request_timeout: Request timed out");
        StatusResult gateway = queue.readResult(new HttpReply(504, "<html>Gateway Timeout</html>", null, "text/html",
                RESPONSE));
        assertThat(gateway.kind()).as("not the provider's error: unknown, checked again").isEqualTo(StatusResult.Kind.RETRY_LATER);
        StatusResult busy = queue.readResult(new HttpReply(503,
                "{\"detail\": \"busy\", \"error_type\": \"overloaded\"}", "3", "application/json", RESPONSE));
        assertThat(busy.kind()).as("503 is not named: checked again").isEqualTo(StatusResult.Kind.RETRY_LATER);
        assertThat(busy.retryAfter()).hasSeconds(3);

        ProviderDefinition wrong = queue();
        wrong.setResultAnswerStatuses("504,five");
        assertThatThrownBy(() -> new DefinedProvider("queue", wrong)).hasMessageContaining("resultAnswerStatuses");
    }

    @Test
    void theCancelUrlMayBeTheStatusUrlsSibling() {
        ProviderCall cancel = new DefinedProvider("queue", queue()).deleteCall(job());

        assertThat(cancel.method()).isEqualTo("PUT");
        assertThat(cancel.url()).isEqualTo(RESPONSE + "/cancel");
        assertThat(cancel.authenticated()).isTrue();
    }
}
