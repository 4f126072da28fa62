package org.imagegen.request;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.support.BundleTest;
import org.imagegen.support.Folders;
import org.imagegen.support.HostileCorpus.Expected;
import org.imagegen.support.HostileCorpus.HostileInput;
import org.imagegen.support.HostileCorpus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hostile input corpus through the watched folder, with the real routes/ and config/: each input gets its
 * error file in inbox/.rejected/ naming record and field (or is accepted, for the ones that must be), the bundle
 * keeps running, and a good file dropped right after it is delivered as usual.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.FAST_BUNDLE, App.CONFIG}, properties = {
        "imagegen.test.folders=hostile",
        "imagegen.inbox.max-file-bytes=" + HostileInputTest.LIMIT,
        "imagegen.simulator.duration-max=300ms"
})
class HostileInputTest extends BundleTest {

    static final long LIMIT = 1_048_576;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Folders FOLDERS = new Folders("hostile").clean();

    static Stream<HostileInput> corpus() {
        return HostileCorpus.entries(LIMIT).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachHostileInputIsReportedAndNothingElseIsLost(HostileInput input) {
        String good = "good-beside-" + input.name().replaceAll("[^A-Za-z0-9]", "-");
        FOLDERS.drop(input.name(), input.content());
        FOLDERS.drop(good + ".json", "{\"id\": \"" + good + "\", \"prompt\": \"dropped right after " + input.name() + "\"}");

        // the input is handled: moved out of the inbox, with its problems beside it
        var movedTo = input.wholeRejected() ? FOLDERS.rejected(input.name()) : FOLDERS.done(input.name());
        await().atMost(WAIT).until(() -> Files.exists(movedTo));
        if (input.problems().isEmpty()) {
            assertThat(FOLDERS.rejected(input.name() + ".error.json")).doesNotExist();
        } else {
            JsonNode report = Folders.readJson(FOLDERS.rejected(input.name() + ".error.json"));
            assertThat(report.path("rejected").asBoolean()).isEqualTo(input.wholeRejected());
            List<String> accepted = new ArrayList<>();
            report.path("accepted").forEach(id -> accepted.add(id.asText()));
            assertThat(accepted).containsExactlyElementsOf(input.accepted());
            assertThat(report.path("problems")).as(report.toPrettyString()).hasSize(input.problems().size());
            for (Expected expected : input.problems()) {
                assertThat(report.path("problems")).as(report.toPrettyString()).anySatisfy(p -> {
                    assertThat(p.path("record").asInt()).isEqualTo(expected.record());
                    assertThat(p.path("field").isNull() ? null : p.path("field").asText()).isEqualTo(expected.field());
                    assertThat(p.path("message").asText()).contains(expected.message());
                });
            }
        }
        // what was valid in it is delivered, and so is the good file beside it
        for (String id : input.accepted()) {
            assertThat(FOLDERS.awaitManifest(id, WAIT).path("state").asText()).isEqualTo("DELIVERED");
        }
        assertThat(FOLDERS.awaitManifest(good, WAIT).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(FOLDERS.done(good + ".json")).exists();
        // nothing was written outside the outbox, whatever the ids said
        try (Stream<java.nio.file.Path> top = Files.list(FOLDERS.root)) {
            assertThat(top.map(p -> p.getFileName().toString())).doesNotContain("escape", "etc");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
