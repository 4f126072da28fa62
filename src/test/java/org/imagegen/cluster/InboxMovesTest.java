package org.imagegen.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The inbox route's move when another instance read the same file too and moved it first (a lock taken over from an
 * instance that was slow, not dead): that instance's copy in .done stays, nothing is left half-moved. Runs the
 * route's own {@code move} expression on a file consumer whose processing moves each file away, as the other
 * instance would.
 */
class InboxMovesTest {

    @Test
    void aFileAnotherInstanceMovedFirstKeepsItsCopyInDone(@TempDir Path inbox) throws Exception {
        Path done = Files.createDirectories(inbox.resolve(".done"));
        List<String> names = List.of("plain.json", "with, comma (and parens).json", "spaced name.jsonl");
        AtomicInteger read = new AtomicInteger();
        String move = routeMove();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("inboxMoves", new InboxMoves());
            // a lambda, not a RouteBuilder subclass: Camel Main's package scan would add one to every bundle under test
            RouteBuilder.addRoutes(camel, routes -> routes
                    .fromF("file:%s?delay=50&move=RAW(%s)", inbox, move).process(exchange -> {
                        exchange.setProperty("inboxFolder", ".done");
                        String name = exchange.getMessage().getHeader("CamelFileName", String.class);
                        // the other instance, done with it first
                        Files.move(inbox.resolve(name), done.resolve(name));
                        read.incrementAndGet();
                    }));
            camel.start();
            for (String name : names) {
                Files.writeString(inbox.resolve(name), "{\"id\": \"" + name + "\"}", UTF_8);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> read.get() == names.size());
            // the failed renames are over once the consumer polled again
            await().atMost(Duration.ofSeconds(20)).until(() -> camel.getInflightRepository().size() == 0);
        }
        for (String name : names) {
            assertThat(done.resolve(name)).as("the other instance's copy").hasContent("{\"id\": \"" + name + "\"}");
        }
        try (Stream<Path> left = Files.list(done)) {
            assertThat(left).hasSize(names.size());
        }
        try (Stream<Path> left = Files.list(inbox)) {
            assertThat(left).containsExactly(done);
        }
    }

    @Test
    void aFileStillInTheInboxGoesToItsFolder(@TempDir Path inbox) throws Exception {
        Path file = Files.writeString(inbox.resolve("a.json"), "{}");
        assertThat(new InboxMoves().target(file.toString(), ".rejected", "a.json", "x")).isEqualTo(".rejected/a.json");
    }

    /** The move option of routes/ingest-folder.camel.yaml. */
    private static String routeMove() throws Exception {
        Matcher move = Pattern.compile("\\n\\s+move: \"(.+)\"\\n")
                .matcher(Files.readString(Path.of("routes/ingest-folder.camel.yaml")));
        assertThat(move.find()).as("the inbox route's move option").isTrue();
        return move.group(1);
    }
}
