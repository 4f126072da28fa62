package org.imagegen.console;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.imagegen.support.ConsoleClient;
import org.imagegen.support.Folders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged bundle run the README's way ({@code java -jar target/imagegen-bundle.jar}) with no password set: it
 * finds the Hawtio war beside its jar, prints a generated password once, and the same password still works after a
 * restart, which prints nothing.
 */
class PackagedConsoleIT {

    private static final Pattern PORT = Pattern.compile("management console on http://127\\.0\\.0\\.1:(\\d+)/");
    private static final Pattern PASSWORD = Pattern.compile("password: (\\S+)");

    @Test
    void generatedPasswordIsPrintedOnceAndLetsTheOperatorIntoHawtio() throws Exception {
        Folders folders = new Folders("packaged-console").clean();
        Files.createDirectories(folders.root);

        String firstOutput;
        String password;
        try (Bundle first = Bundle.start(folders, folders.root.resolve("first.log"))) {
            firstOutput = first.output();
            Matcher shown = PASSWORD.matcher(firstOutput);
            assertThat(shown.find()).as(firstOutput).isTrue();
            password = shown.group(1);

            ConsoleClient client = new ConsoleClient(first.port());
            assertThat(client.get("/hawtio/").statusCode()).isEqualTo(302);
            assertThat(client.login("admin", password).statusCode()).isIn(302, 303);
            HttpResponse<String> hawtio = client.get("/hawtio/");
            assertThat(hawtio.statusCode()).isEqualTo(200);
            assertThat(hawtio.body()).containsIgnoringCase("hawtio");
            assertThat(client.get("/hawtio/jolokia/version").body()).contains("\"agent\"");
        }
        String stored = Files.readString(folders.data.resolve(ConsoleLogin.HASH_FILE));
        assertThat(stored).startsWith("pbkdf2-sha256:").doesNotContain(password);
        // shown on standard output once, and never through the logger
        assertThat(firstOutput.lines().filter(line -> line.contains(password))).hasSize(1)
                .allSatisfy(line -> assertThat(line).doesNotContain("INFO"));

        try (Bundle second = Bundle.start(folders, folders.root.resolve("second.log"))) {
            assertThat(second.output()).doesNotContain(password).doesNotContain("password:");
            ConsoleClient client = new ConsoleClient(second.port());
            assertThat(client.login("admin", password).headers().firstValue("Location"))
                    .hasValueSatisfying(location -> assertThat(location).doesNotContain("error"));
            assertThat(client.get("/").statusCode()).isEqualTo(200);
        }
    }

    /** The packaged bundle as a separate process, its output in a file, its console on {@code port}. */
    private record Bundle(Process process, Path log, int port) implements AutoCloseable {

        static Bundle start(Folders folders, Path log) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(List.of(java, "-Xmx384m",
                    "-Dimagegen.inbox=" + folders.inbox, "-Dimagegen.outbox=" + folders.outbox,
                    "-Dimagegen.data=" + folders.data, "-Dimagegen.simulate=true",
                    "-Dimagegen.console.port=0", "-Dimagegen.api.port=0", "-Dimagegen.console.password=",
                    // its embedded JMS broker on a free port too, never the 61616 of another bundle on the machine
                    "-Dimagegen.jms.port=0",
                    "-jar", Path.of("target", "imagegen-bundle.jar").toAbsolutePath().toString()))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            int[] port = new int[1];
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("the bundle stopped: " + Files.readString(log));
                    }
                    Matcher m = PORT.matcher(Files.readString(log, StandardCharsets.UTF_8));
                    if (m.find()) {
                        port[0] = Integer.parseInt(m.group(1));
                        return true;
                    }
                    return false;
                });
            } catch (RuntimeException | Error e) {
                process.destroyForcibly();
                throw e;
            }
            return new Bundle(process, log, port[0]);
        }

        String output() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
