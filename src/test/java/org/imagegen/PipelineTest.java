package org.imagegen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.delivery.ImageType;
import org.imagegen.job.JobState;
import org.imagegen.support.Folders;
import org.imagegen.support.ShippedSimulators;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole pipeline as a user runs it: the real routes/ and config/, both providers' built-in simulators, request
 * files dropped into the inbox, manifests and images read from the outbox. Timings are compressed; prompts carry
 * simulator directives (sim:fail, sim:429x2, ...) to produce each outcome on purpose.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.FAST_BUNDLE, App.CONFIG}, properties = {
        "imagegen.test.folders=pipeline",
        "imagegen.simulator.duration-max=500ms",
        "imagegen.poll.queued-interval=400ms",
        "imagegen.poll.max-backoff=1s",
        "imagegen.providers.rendernet.poll.deadline=3s",
        // late checks off: TIMED_OUT is final (LateResultTest has them on)
        "imagegen.poll.late-window=0",
        // RenderNet's lost creates are parked, not looked for in its list (RenderNetReconcileTest covers that)
        "imagegen.providers.rendernet.reconcile-by-list=false",
        // RenderNet's simulator serves its media from another host name than its API (as the real one serves them
        // from S3): listed here as an operator lists the S3 bucket, not added by the simulator
        "imagegen.simulator.allow-image-hosts=false",
        "imagegen.providers.rendernet.download-hosts=redernet-image-data.s3.amazonaws.com,localhost",
        // the provider's retry of a failed generation is tried here; it is off by default (docs/providers.md)
        "imagegen.providers.all-images.retry.max=1"
})
class PipelineTest extends ShippedSimulators {

    @Test
    void allImagesRequestIsDeliveredWithFourImagesAndAManifest() throws Exception {
        folders.drop("cat.json", """
                {"id": "ai-happy", "prompt": "a cat on a red sofa", "aspectRatio": "16:9",
                 "negativePrompt": "blurry", "metadata": {"campaign": "spring"}}""");

        JsonNode manifest = folders.awaitEnded("ai-happy", "DELIVERED", WAIT);

        assertThat(manifest.path("provider").asText()).isEqualTo("all-images");
        assertThat(manifest.path("providerGenerationId").asText()).startsWith("print_");
        assertThat(manifest.path("metadata").path("campaign").asText()).isEqualTo("spring");
        // the states up to the delivery; the delivery's own time is in the job store (written once every sink has it)
        assertThat(states(manifest)).containsSubsequence("ACCEPTED", "SUBMITTED", "SUCCEEDED").doesNotContain("DELIVERED");
        assertThat(manifest.path("images")).hasSize(4);
        for (JsonNode image : manifest.path("images")) {
            Path file = folders.outbox.resolve("ai-happy").resolve(image.path("file").asText());
            byte[] bytes = Files.readAllBytes(file);
            assertThat(ImageType.sniff(bytes, bytes.length)).isEqualTo(ImageType.JPEG);
            assertThat(image.path("bytes").asLong()).isEqualTo(bytes.length);
            assertThat(image.path("sha256").asText()).hasSize(64);
            assertThat(image.path("contentType").asText()).isEqualTo("image/jpeg");
            assertThat(image.path("sourceUrl").asText()).contains("/v1/images/full/");
            assertThat(image.path("acquired").asText()).isEqualTo("full");
        }
        assertThat(allImages.createsFor("ai-happy")).isEqualTo(1);
        assertThat(folders.done("cat.json")).exists();
        assertThat(folders.rejected("cat.json.error.json")).doesNotExist();
        try (var listing = Files.list(folders.outbox.resolve("ai-happy"))) {
            assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    @Test
    void renderNetRequestIsDeliveredWithItsBatchSize() {
        folders.drop("dog.json", """
                {"id": "rn-happy", "provider": "rendernet", "prompt": "a dog in the snow", "count": 2,
                 "aspectRatio": "2:3", "seed": 7, "options": {"quality": "Plus", "sampler": "Euler a"}}""");

        JsonNode manifest = folders.awaitEnded("rn-happy", "DELIVERED", WAIT);

        assertThat(manifest.path("providerGenerationId").asText()).startsWith("gen_");
        assertThat(manifest.path("images")).hasSize(2);
        assertThat(manifest.path("images").get(0).path("file").asText()).isEqualTo("1.png");
        assertThat(folders.outbox.resolve("rn-happy").resolve("2.png")).exists();
        // the media come from the simulator's image host, not from its API's
        assertThat(rendernet.baseUrl()).startsWith("http://127.0.0.1:");
        assertThat(manifest.path("images").get(0).path("sourceUrl").asText()).startsWith("http://localhost:");
        assertThat(manifest.path("images").get(0).path("acquired").asText()).isEqualTo("url");
        assertThat(rendernet.createsFor("rn-happy")).isEqualTo(1);
    }

    @Test
    void aBadRecordInABatchIsRejectedAloneAndTheOthersAreDelivered() {
        folders.drop("batch.jsonl", """
                {"id": "batch-1", "prompt": "first good one"}
                {"id": "batch-2", "provider": "rendernet", "prompt": "a bad one", "aspectRatio": "7:4"}
                {"id": "batch-3", "provider": "rendernet", "prompt": "second good one"}
                """);

        assertThat(folders.awaitManifest("batch-1", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(folders.awaitManifest("batch-3", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(folders.done("batch.jsonl")).exists();
        JsonNode errors = Folders.readJson(folders.rejected("batch.jsonl.error.json"));
        assertThat(errors.path("accepted")).hasSize(2);
        assertThat(errors.path("problems")).hasSize(1);
        JsonNode problem = errors.path("problems").get(0);
        assertThat(problem.path("record").asInt()).isEqualTo(2);
        assertThat(problem.path("id").asText()).isEqualTo("batch-2");
        assertThat(problem.path("field").asText()).isEqualTo("aspectRatio");
        assertThat(problem.path("message").asText()).contains("7:4");
        assertThat(folders.manifestPath("batch-2")).doesNotExist();
        assertThat(rendernet.createsFor("batch-2")).isZero();
    }

    @Test
    void aFileStillBeingWrittenIsNotReadUntilItIsComplete() throws Exception {
        String content = "{\"id\": \"slow-writer\", \"prompt\": \"written a few bytes at a time\"}";
        Path target = folders.inbox.resolve("slow.json");
        java.util.concurrent.ScheduledExecutorService writer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        try {
            // a producer that writes in place, 2 bytes every 50 ms: the file is incomplete JSON for about 2 s,
            // longer than the consumer's first poll delay and many times its poll interval
            writer.scheduleAtFixedRate(() -> {
                int from = written.get();
                if (from >= content.length()) {
                    return;
                }
                int to = Math.min(content.length(), from + 2);
                try {
                    Files.writeString(target, content.substring(from, to), java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                written.set(to);
            }, 0, 50, java.util.concurrent.TimeUnit.MILLISECONDS);

            assertThat(folders.awaitManifest("slow-writer", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        } finally {
            writer.shutdownNow();
        }
        assertThat(folders.done("slow.json")).hasContent(content);
        assertThat(folders.rejected("slow.json.error.json")).doesNotExist();
    }

    @Test
    void aCsvBatchIsAccepted() {
        folders.drop("sheet.csv", """
                id,provider,prompt,aspectRatio,count,metadata.owner
                csv-1,rendernet,a lighthouse at dusk,16:9,1,marketing
                csv-2,all-images,a lighthouse at dawn,1:1,,design
                """);

        JsonNode first = folders.awaitEnded("csv-1", "DELIVERED", WAIT);
        JsonNode second = folders.awaitManifest("csv-2", WAIT);
        assertThat(first.path("metadata").path("owner").asText()).isEqualTo("marketing");
        assertThat(second.path("images")).hasSize(4);
    }

    @Test
    void aFileWithNothingValidGoesToRejectedWithItsErrors() {
        folders.drop("broken.json", "{\"id\": \"x1\", \"prompt\": ");

        await().atMost(WAIT).until(() -> Files.exists(folders.rejected("broken.json")));
        JsonNode errors = Folders.readJson(folders.rejected("broken.json.error.json"));
        assertThat(errors.path("problems").get(0).path("message").asText()).startsWith("invalid JSON");
        assertThat(folders.done("broken.json")).doesNotExist();
    }

    @Test
    void aDuplicateRequestNeverCreatesASecondGeneration() {
        String request = "{\"id\": \"dup-1\", \"prompt\": \"only once please\"}";
        folders.drop("dup-a.json", request);
        folders.awaitManifest("dup-1", WAIT);

        folders.drop("dup-b.json", request);
        // the error report is written before the file is moved beside it: wait for both
        await().atMost(WAIT).until(() -> Files.exists(folders.rejected("dup-b.json.error.json"))
                && Files.exists(folders.rejected("dup-b.json")));

        JsonNode errors = Folders.readJson(folders.rejected("dup-b.json.error.json"));
        assertThat(errors.path("problems").get(0).path("message").asText()).contains("duplicate");
        assertThat(folders.rejected("dup-b.json")).exists();
        assertThat(allImages.createsFor("dup-1")).isEqualTo(1);
    }

    @Test
    void anIdRepeatedInOneFileIsOneJobAndTheRepeatIsReported() {
        folders.drop("twice.jsonl", "{\"id\": \"twice-1\", \"prompt\": \"a\"}\n{\"id\": \"twice-1\", \"prompt\": \"b\"}\n");

        assertThat(folders.awaitManifest("twice-1", WAIT).path("request").path("prompt").asText()).isEqualTo("a");
        JsonNode errors = Folders.readJson(folders.rejected("twice.jsonl.error.json"));
        assertThat(errors.path("problems").get(0).path("record").asInt()).isEqualTo(2);
        assertThat(errors.path("problems").get(0).path("message").asText()).contains("duplicate of record 1");
        assertThat(allImages.createsFor("twice-1")).isEqualTo(1);
    }

    @Test
    void theSameFileReadAgainAfterACrashIsNotReportedAsDuplicates() throws Exception {
        // what a restart sees when the bundle died after accepting a file but before moving it
        String batch = "{\"id\": \"reread-1\", \"prompt\": \"once\"}\n{\"id\": \"reread-2\", \"prompt\": \"twice\"}\n";
        folders.drop("reread.jsonl", batch);
        folders.awaitManifest("reread-2", WAIT);
        Files.delete(folders.done("reread.jsonl"));
        folders.drop("reread.jsonl", batch);

        await().atMost(WAIT).until(() -> Files.exists(folders.done("reread.jsonl")));
        assertThat(folders.rejected("reread.jsonl.error.json")).doesNotExist();
        assertThat(allImages.createsFor("reread-1")).isEqualTo(1);
        assertThat(allImages.createsFor("reread-2")).isEqualTo(1);
    }

    @Test
    void aRequestWithoutIdIsKeyedByItsContentSoTheSameContentIsADuplicate() {
        String request = "{\"prompt\": \"no id here, just content\", \"provider\": \"rendernet\"}";
        folders.drop("noid-a.json", request);
        await().atMost(WAIT).until(() -> Files.exists(folders.done("noid-a.json")));
        folders.drop("noid-b.json", "{\"provider\": \"rendernet\", \"prompt\": \"no id here, just content\"}");
        await().atMost(WAIT).until(() -> Files.exists(folders.rejected("noid-b.json.error.json")));

        String key = Folders.readJson(folders.rejected("noid-b.json.error.json")).path("problems").get(0)
                .path("id").asText();
        assertThat(key).startsWith("sha-");
        JsonNode manifest = folders.awaitManifest(key, WAIT);
        assertThat(manifest.path("idFromContent").asBoolean()).isTrue();
        assertThat(rendernet.createsFor(key)).isEqualTo(1);
    }

    @Test
    void aGenerationTheProviderFailsIsRetriedOnceThenFailedWithAReason() {
        JsonNode manifest = folders.runJob("ai-fail", null, "this one breaks sim:fail", "FAILED", WAIT);

        assertThat(manifest.path("reason").asText()).contains("status 4");
        assertThat(manifest.path("providerRetries").asInt()).isEqualTo(1);
        assertThat(manifest.path("images")).isEmpty();
        assertThat(allImages.createsFor("ai-fail")).isEqualTo(1);
    }

    @Test
    void aGenerationThatFailsOnceIsDeliveredAfterTheProviderRetry() {
        JsonNode manifest = folders.runJob("ai-fail-once", null, "second time lucky sim:fail-once", "DELIVERED", WAIT);

        assertThat(manifest.path("providerRetries").asInt()).isEqualTo(1);
        assertThat(allImages.createsFor("ai-fail-once")).isEqualTo(1);
    }

    @Test
    void aCensoredGenerationGetsACensoredManifest() {
        JsonNode manifest = folders.runJob("rn-censor", "rendernet", "nope sim:censor", "CENSORED", WAIT);

        assertThat(manifest.path("reason").asText()).contains("censored");
        assertThat(manifest.path("images")).isEmpty();
    }

    @Test
    void aGenerationThatNeverFinishesTimesOutAtTheDeadline() {
        JsonNode manifest = folders.runJob("rn-never", "rendernet", "forever sim:never", "TIMED_OUT", WAIT);

        assertThat(manifest.path("reason").asText()).contains("deadline");
        assertThat(rendernet.createsFor("rn-never")).isEqualTo(1);
        // the manifest is written just before the row that ends the job
        await().atMost(WAIT).untilAsserted(() -> assertThat(store.find("rn-never").orElseThrow().getNextCheckAt()).isNull());
    }

    @Test
    void withoutLateChecksAGenerationSlowerThanTheDeadlineStaysTimedOut() {
        JsonNode manifest = folders.runJob("rn-slow", "rendernet", "slow sim:ms=4000", "TIMED_OUT", WAIT);

        assertThat(manifest.path("reason").asText()).contains("did not finish").doesNotContain("checked every");
        // no next check: the job is never looked at again
        await().atMost(WAIT).untilAsserted(() -> assertThat(store.find("rn-slow").orElseThrow().getNextCheckAt()).isNull());
        assertThat(rendernet.createsFor("rn-slow")).isEqualTo(1);
    }

    @Test
    void rateLimitsAndServerErrorsOnlyDelayTheJob() {
        folders.drop("flaky.jsonl", """
                {"id": "ai-429", "prompt": "slow down sim:429x2"}
                {"id": "rn-503", "provider": "rendernet", "prompt": "hiccup sim:503x3"}
                {"id": "ai-create-503", "prompt": "busy at first sim:create-503x2"}
                """);

        assertThat(folders.awaitManifest("ai-429", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(folders.awaitManifest("rn-503", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        JsonNode refusedAtFirst = folders.awaitEnded("ai-create-503", "DELIVERED", WAIT);
        assertThat(refusedAtFirst.path("createAttempts").asInt()).isEqualTo(3);
        assertThat(allImages.createsFor("ai-429")).isEqualTo(1);
        assertThat(rendernet.createsFor("rn-503")).isEqualTo(1);
        assertThat(allImages.createsFor("ai-create-503")).isEqualTo(1);
    }

    @Test
    void aCreateWhoseAnswerWasLostIsFoundAgainAtAllImagesNotSentTwice() {
        JsonNode manifest = folders.runJob("ai-lost", null, "answer lost sim:create-lost", "DELIVERED", WAIT);

        assertThat(manifest.path("createAttempts").asInt()).isEqualTo(1);
        assertThat(manifest.toString()).contains("after a lost create answer");
        assertThat(allImages.createsFor("ai-lost")).isEqualTo(1);
    }

    @Test
    void aCreateWhoseAnswerWasLostAtRenderNetIsParkedForAPerson() {
        JsonNode manifest = folders.runJob("rn-lost", "rendernet", "answer lost sim:create-lost",
                "NEEDS_ATTENTION", WAIT);

        assertThat(manifest.path("reason").asText()).contains("not sent again");
        assertThat(rendernet.createsFor("rn-lost")).isEqualTo(1);
    }

    @Test
    void imagesFromAHostThatIsNotAllowedAreNeverDownloaded() {
        JsonNode manifest = folders.runJob("ai-foreign", null, "elsewhere sim:foreign-images", "DELIVERY_FAILED", WAIT);

        assertThat(manifest.path("reason").asText()).contains("host localhost is not an allowed download host");
        assertThat(manifest.path("images")).isEmpty();
        assertThat(allImages.statsFor("ai-foreign").downloads()).isZero();
    }

    @Test
    void imagesBehindRedirectsToAnAllowedHostAreDownloaded() {
        JsonNode manifest = folders.runJob("ai-redirected", null, "moved sim:redirects=5", "DELIVERED", WAIT);

        assertThat(manifest.path("images")).hasSize(4);
        assertThat(allImages.statsFor("ai-redirected").downloads()).isEqualTo(4);
    }

    @Test
    void aRedirectToAHostThatIsNotAllowedFailsTheDeliveryWithTheReason() {
        JsonNode manifest = folders.runJob("ai-redirected-away", null, "away sim:redirect-foreign",
                "DELIVERY_FAILED", WAIT);

        assertThat(manifest.path("reason").asText()).contains("host localhost is not an allowed download host")
                .contains("redirected from http://127.0.0.1:");
        assertThat(allImages.statsFor("ai-redirected-away").downloads()).isZero();
    }

    @Test
    void aRedirectLoopFailsTheDeliveryAfterFiveRedirects() {
        folders.drop("loop.json", "[{\"id\": \"ai-redirect-loop\", \"prompt\": \"round sim:redirect-loop\"},"
                + " {\"id\": \"ai-redirects-6\", \"prompt\": \"far sim:redirects=6\"}]");

        for (String key : List.of("ai-redirect-loop", "ai-redirects-6")) {
            JsonNode manifest = folders.awaitEnded(key, "DELIVERY_FAILED", WAIT);
            assertThat(manifest.path("reason").asText()).contains("more than 5 redirects");
            assertThat(allImages.statsFor(key).downloads()).isZero();
        }
    }

    @Test
    void everyFinishedJobIsTerminalInTheStore() {
        folders.drop("count.json", "[{\"id\": \"count-1\", \"prompt\": \"one\"}, {\"id\": \"count-2\", \"prompt\": \"two\"}]");
        folders.awaitManifest("count-1", WAIT);
        folders.awaitManifest("count-2", WAIT);
        // the manifest is written first, then the job's row records the delivery
        await().atMost(WAIT).until(() -> store.find("count-1").orElseThrow().getState() == JobState.DELIVERED
                && store.find("count-2").orElseThrow().getState() == JobState.DELIVERED);
        assertThat(store.history("count-2")).extracting(e -> e.state())
                .containsSubsequence(JobState.ACCEPTED, JobState.SUBMITTED, JobState.DELIVERED);
    }

    private static List<String> states(JsonNode manifest) {
        List<String> states = new ArrayList<>();
        manifest.path("states").forEach(s -> states.add(s.path("state").asText()));
        return states;
    }
}
