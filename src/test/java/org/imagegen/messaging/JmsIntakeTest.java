package org.imagegen.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Message;
import org.imagegen.job.JobState;
import org.imagegen.job.JobQueries;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.Simulated;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.imagegen.messaging.JmsBundle.WAIT;
import static org.imagegen.messaging.JmsClient.awaitMessage;
import static org.imagegen.messaging.JmsClient.body;
import static org.imagegen.messaging.JmsClient.property;

/**
 * Requests sent to the embedded Artemis broker over TCP by a separate client, through the real routes/ and config/:
 * images in the outbox, job events on the configured event queue, the final result on the request's JMSReplyTo
 * (with the job's cost, converted to the currency), bad messages on the dead-letter queue with the reason.
 */
@ExtendWith(PostgresJobStore.class)
class JmsIntakeTest {

    private static final Folders FOLDERS = new Folders("jms-intake").clean();

    @AutoClose
    private static JmsBundle jms;
    private static List<Message> events;
    private static List<Message> deadLetters;
    private static List<Message> replies;
    private static List<Message> topicEvents;
    private static List<Message> topicReplies;

    @BeforeAll
    static void start() throws Exception {
        jms = JmsBundle.start(FOLDERS.fastBundle(
                "imagegen.events.endpoints=jms:queue:test.events,jms:topic:test.events.topic",
                "imagegen.jms.queue=test.requests",
                "imagegen.jms.dead-letter-queue=test.DLQ",
                "imagegen.spend.currency=USD",
                "imagegen.providers.all-images.unit-price=0.05"));
        events = jms.collect("test.events");
        deadLetters = jms.collect("test.DLQ");
        replies = jms.collect("test.replies");
        topicEvents = jms.collect("topic:test.events.topic");
        topicReplies = jms.collect("topic:test.replies.topic");
    }

    @Test
    void aRequestIsDeliveredItsEventsArePublishedAndItsResultGoesToItsReplyTo() throws Exception {
        jms.send("test.requests", "{\"id\": \"jms-happy\", \"prompt\": \"a lighthouse in fog\"}",
                Map.of("JMSReplyTo", "test.replies", "JMSCorrelationID", "order-42"));

        JsonNode manifest = FOLDERS.awaitEnded("jms-happy", "DELIVERED", WAIT);
        assertThat(manifest.path("images")).hasSize(4);
        assertThat(simulator().createsFor("jms-happy")).isEqualTo(1);

        Message reply = awaitMessage(replies, WAIT, m -> body(m).contains("\"jms-happy\""));
        assertThat(reply.getJMSCorrelationID()).isEqualTo("order-42");
        JsonNode result = JmsJson.body(reply);
        assertThat(result.path("state").asText()).isEqualTo("DELIVERED");
        assertThat(result.path("imageUrls")).hasSize(4);
        // its cost: all-images' free display images, 0 credits, 0 USD converted
        assertThat(result.path("cost").path("amount").asDouble()).isZero();
        assertThat(result.path("cost").path("unit").asText()).isEqualTo("credits");
        assertThat(result.path("cost").path("converted").path("currency").asText()).isEqualTo("USD");
        assertThat(result.path("sinks").path("outbox").path("state").asText()).isEqualTo("DELIVERED");
        assertThat(result.path("sinks").path("outbox").path("location").asText()).contains("jms-happy");
        assertThat(replies).filteredOn(m -> body(m).contains("\"jms-happy\"")).hasSize(1);

        awaitMessage(events, WAIT, m -> body(m).contains("\"jms-happy\"") && body(m).contains("\"DELIVERED\""));
        List<JsonNode> published = eventsOf("jms-happy");
        assertThat(published).extracting(e -> e.path("state").asText())
                .containsSubsequence("ACCEPTED", "SUBMITTED", "SUCCEEDED", "DELIVERED")
                .doesNotContain("SUBMITTING", "RUNNING");
        for (Message event : events) {
            if (body(event).contains("\"jms-happy\"")) {
                assertThat(property(event, "ImagegenEventId"))
                        .isEqualTo(JmsJson.body(event).path("eventId").asText());
                assertThat(property(event, "ImagegenJobKey")).isEqualTo("jms-happy");
            }
        }
        assertThat(published.get(0).path("provider").asText()).isEqualTo("all-images");
        assertThat(published.get(0).path("source").asText()).startsWith("jms:test.requests/ID:");
    }

    @Test
    void aBatchWithABadRecordIsAcceptedExceptThatRecordWhichIsDeadLetteredWithWhy() throws Exception {
        String batch = """
                {"id": "jms-batch-1", "prompt": "first good one"}
                {"id": "jms-batch-2", "provider": "rendernet", "prompt": "a bad one", "aspectRatio": "7:4"}
                {"id": "jms-batch-3", "provider": "rendernet", "prompt": "second good one"}
                """;
        jms.send("test.requests", batch, Map.of());

        assertThat(FOLDERS.awaitManifest("jms-batch-1", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(FOLDERS.awaitManifest("jms-batch-3", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        Message dead = awaitMessage(deadLetters, WAIT, m -> body(m).contains("jms-batch-2"));
        assertThat(body(dead)).isEqualTo(batch);
        assertThat(property(dead, "ImagegenRecord")).isEqualTo("2");
        assertThat(property(dead, "ImagegenField")).isEqualTo("aspectRatio");
        assertThat(property(dead, "ImagegenReason")).contains("1 of 3 records rejected").contains("7:4");
        assertThat(property(dead, "ImagegenAccepted")).isEqualTo("jms-batch-1,jms-batch-3");
        JsonNode problems = JmsJson.property(dead, "ImagegenProblems");
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).path("id").asText()).isEqualTo("jms-batch-2");
        assertThat(store().find("jms-batch-2")).isEmpty();
        assertThat(Simulated.simulator(jms.bundle(), "rendernet", RenderNetSimulator.class).createsFor("jms-batch-2"))
                .isZero();
    }

    @Test
    void eventsAndRepliesGoToTopicsToo() throws Exception {
        jms.send("test.requests", "{\"id\": \"jms-topic\", \"prompt\": \"a kite over a beach\"}",
                Map.of("JMSReplyTo", "topic:test.replies.topic", "JMSCorrelationID", "order-topic"));

        Message reply = awaitMessage(topicReplies, WAIT, m -> body(m).contains("\"jms-topic\""));
        assertThat(reply.getJMSCorrelationID()).isEqualTo("order-topic");
        assertThat(JmsJson.body(reply).path("state").asText()).isEqualTo("DELIVERED");
        awaitMessage(topicEvents, WAIT, m -> body(m).contains("\"jms-topic\"") && body(m).contains("\"DELIVERED\""));
        assertThat(topicEvents).filteredOn(m -> body(m).contains("\"jms-topic\""))
                .extracting(m -> JmsJson.body(m).path("state").asText())
                .containsSubsequence("ACCEPTED", "SUBMITTED", "SUCCEEDED", "DELIVERED");
    }

    @Test
    void aRequestWithABadRecordThatNamedAReplyToHearsAtOnceWhichRecordAndFieldWereRejected() throws Exception {
        String batch = """
                {"id": "jms-reply-good", "prompt": "a good one"}
                {"id": "jms-reply-bad", "provider": "rendernet", "prompt": "a bad one", "quality": "Ultra"}
                """;
        jms.send("test.requests", batch, Map.of("JMSReplyTo", "test.replies", "JMSCorrelationID", "order-77"));

        Message rejection = awaitMessage(replies, WAIT, m -> body(m).contains("\"REJECTED\""));
        assertThat(rejection.getJMSCorrelationID()).isEqualTo("order-77");
        JsonNode answer = JmsJson.body(rejection);
        assertThat(answer.path("problems").get(0).path("id").asText()).isEqualTo("jms-reply-bad");
        assertThat(answer.path("problems").get(0).path("field").asText()).isEqualTo("quality");
        assertThat(answer.path("accepted").get(0).asText()).isEqualTo("jms-reply-good");
        // the dead letter keeps the request's own correlation id; the good record still gets its final result
        Message dead = awaitMessage(deadLetters, WAIT, m -> body(m).contains("jms-reply-bad"));
        assertThat(dead.getJMSCorrelationID()).isEqualTo("order-77");
        awaitMessage(replies, WAIT, m -> body(m).contains("\"jms-reply-good\"") && body(m).contains("\"DELIVERED\""));
    }

    @Test
    void anUnreadableMessageGoesToTheDeadLetterQueueWithTheReason() throws Exception {
        String id = jms.send("test.requests", "{\"id\": \"jms-poison\", \"prompt\": ", Map.of("Origin", "test"));

        Message dead = awaitMessage(deadLetters, WAIT, m -> body(m).contains("jms-poison"));
        assertThat(property(dead, "ImagegenReason")).startsWith("rejected: input: invalid JSON");
        assertThat(property(dead, "ImagegenRecord")).isEqualTo("0");
        assertThat(property(dead, "ImagegenAccepted")).isEmpty();
        assertThat(property(dead, "ImagegenSource")).isEqualTo("jms:test.requests/" + id);
        assertThat(property(dead, "Origin")).isEqualTo("test");
        assertThat(store().find("jms-poison")).isEmpty();
    }

    @Test
    void theSameRequestSentTwiceIsGeneratedOnce() throws Exception {
        String request = "{\"id\": \"jms-dup\", \"prompt\": \"only once please\"}";
        jms.send("test.requests", request, Map.of());
        jms.send("test.requests", request, Map.of());

        Message dead = awaitMessage(deadLetters, WAIT, m -> body(m).contains("jms-dup"));
        assertThat(property(dead, "ImagegenReason")).contains("duplicate");
        assertThat(FOLDERS.awaitManifest("jms-dup", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(simulator().createsFor("jms-dup")).isEqualTo(1);
        assertThat(store().history("jms-dup")).filteredOn(e -> e.state() == JobState.ACCEPTED).hasSize(1);
    }

    private static List<JsonNode> eventsOf(String key) {
        List<JsonNode> found = new ArrayList<>();
        for (Message m : events) {
            JsonNode event = JmsJson.body(m);
            if (event.path("jobKey").asText().equals(key)) {
                found.add(event);
            }
        }
        found.sort((a, b) -> Long.compare(a.path("eventId").asLong(), b.path("eventId").asLong()));
        return found;
    }

    private static AllImagesSimulator simulator() {
        return Simulated.simulator(jms.bundle(), "all-images", AllImagesSimulator.class);
    }

    private static JobQueries store() {
        return jms.bundle().bean("jobQueries", JobQueries.class);
    }
}
