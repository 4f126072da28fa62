package org.imagegen.messaging;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import org.imagegen.job.JobQueries;
import org.imagegen.support.Folders;
import org.imagegen.support.HostileCorpus.Expected;
import org.imagegen.support.HostileCorpus.HostileInput;
import org.imagegen.support.HostileCorpus;
import org.imagegen.support.PostgresJobStore;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.imagegen.messaging.JmsBundle.WAIT;
import static org.imagegen.messaging.JmsClient.awaitMessage;
import static org.imagegen.messaging.JmsClient.property;

/**
 * The hostile input corpus (the list the watched folder gets in HostileInputTest) sent over TCP to the bundle's
 * embedded broker, one message per input, through the real routes/ and config/: each bad input lands whole on the
 * dead-letter queue with headers naming the first bad record and field and listing every problem; the good records
 * of a mixed input are accepted and delivered; the bundle keeps consuming, and a good message sent right after each
 * input is delivered. The invalid-UTF-8 input goes as a bytes message (a text message cannot carry it), the others as
 * text messages.
 */
@ExtendWith(PostgresJobStore.class)
class HostileJmsTest {

    /** imagegen.jms.max-message-bytes here: the corpus' over-the-limit input is one byte more. */
    static final long LIMIT = 65_536;
    private static final String QUEUE = "hostile.requests";
    private static final Folders FOLDERS = new Folders("hostile-jms").clean();

    @AutoClose
    private static JmsBundle jms;
    private static List<Message> deadLetters;

    @BeforeAll
    static void start() throws Exception {
        jms = JmsBundle.start(FOLDERS.fastBundle(
                "imagegen.jms.queue=" + QUEUE, "imagegen.jms.dead-letter-queue=hostile.DLQ",
                "imagegen.jms.max-message-bytes=" + LIMIT));
        deadLetters = jms.collect("hostile.DLQ");
    }

    /**
     * The whole corpus. Its 100,000-record batch is not sent here: it would add as long again as all the rest, and
     * the intake it reaches is the one BigBatchTest and BigBatchApiTest measure; it fits the default limit.
     */
    static Stream<HostileInput> corpus() {
        return HostileCorpus.entriesWithoutNames(LIMIT).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachBadInputIsDeadLetteredWithItsProblemsAndNothingElseIsLost(HostileInput input) throws Exception {
        boolean binary = input.name().equals("invalid-utf8.json");
        String id = binary ? jms.sendBytes(QUEUE, input.content())
                : jms.send(QUEUE, new String(input.content(), StandardCharsets.UTF_8), Map.of());
        String source = "jms:" + QUEUE + "/" + id;
        String good = "good-after-" + input.name().replaceAll("[^A-Za-z0-9]", "-");
        jms.send(QUEUE, "{\"id\": \"" + good + "\", \"prompt\": \"sent right after " + input.name() + "\"}", Map.of());

        for (String accepted : input.accepted()) {
            assertThat(FOLDERS.awaitManifest(accepted, WAIT).path("state").asText()).isEqualTo("DELIVERED");
        }
        assertThat(FOLDERS.awaitManifest(good, WAIT).path("state").asText()).isEqualTo("DELIVERED");

        if (input.problems().isEmpty()) {
            // consumed in order, so the good message's delivery means this one was handled: nothing dead-lettered
            assertThat(deadLetters).noneMatch(m -> source.equals(property(m, "ImagegenSource")));
            return;
        }
        Message dead = awaitMessage(deadLetters, WAIT, m -> source.equals(property(m, "ImagegenSource")));
        // the message goes whole, as it came: the same bytes, the same kind of message
        if (binary) {
            assertThat(dead).isInstanceOf(BytesMessage.class);
            assertThat(((BytesMessage) dead).getBody(byte[].class)).isEqualTo(input.content());
        } else {
            assertThat(JmsClient.body(dead)).isEqualTo(new String(input.content(), StandardCharsets.UTF_8));
        }
        Expected first = input.problems().get(0);
        assertThat(property(dead, "ImagegenRecord")).isEqualTo(String.valueOf(first.record()));
        assertThat(property(dead, "ImagegenField")).isEqualTo(first.field() == null ? "" : first.field());
        assertThat(property(dead, "ImagegenReason")).contains(first.message());
        assertThat(property(dead, "ImagegenAccepted")).isEqualTo(String.join(",", input.accepted()));
        JsonNode problems = JmsJson.property(dead, "ImagegenProblems");
        assertThat(problems).as(problems.toPrettyString()).hasSize(input.problems().size());
        for (Expected expected : input.problems()) {
            assertThat(problems).as(problems.toPrettyString()).anySatisfy(p -> {
                assertThat(p.path("record").asInt()).isEqualTo(expected.record());
                assertThat(p.path("field").isNull() ? null : p.path("field").asText()).isEqualTo(expected.field());
                assertThat(p.path("message").asText()).contains(expected.message());
            });
        }
        // only the good records became jobs
        JobQueries store = jms.bundle().bean("jobQueries", JobQueries.class);
        assertThat(store.countByState().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(jobsSoFar(input));
    }

    private static long jobsSoFar(HostileInput upTo) throws JMSException {
        long jobs = 0;
        for (HostileInput input : corpus().toList()) {
            jobs += input.accepted().size() + 1;
            if (input == upTo || input.name().equals(upTo.name())) {
                return jobs;
            }
        }
        throw new IllegalStateException(upTo.name());
    }
}
