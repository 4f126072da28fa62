package org.imagegen.distribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collector;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged bundle started from a working directory that is neither its checkout nor its distribution: the
 * distribution (target/imagegen-bundle-&lt;version&gt;.tar.gz) unpacked into an empty folder and started through a
 * symbolic link to its bin/imagegen, and the thin jar target/imagegen-bundle.jar. Each takes a request and delivers
 * it with the built-in simulators, and leaves the working directory as it found it. A home without config/ gets one
 * line saying what to do, and a non-zero exit.
 */
@DisabledOnOs(OS.WINDOWS) // bin/imagegen is a POSIX sh script, and the test unpacks with tar
class RunFromAnywhereIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of("target", "it", "run-from-anywhere").toAbsolutePath();
    /** Fast timings, free ports and the simulators, for both ways of starting it. */
    private static final List<String> FAST = List.of("-Xmx384m", "-Dimagegen.simulate=true",
            "-Dimagegen.simulator.duration-min=200ms", "-Dimagegen.simulator.duration-max=400ms",
            "-Dimagegen.poll.initial-delay=200ms", "-Dimagegen.poll.interval=200ms", "-Dimagegen.loop.tick=50ms",
            "-Dimagegen.inbox.poll=100ms", "-Dimagegen.inbox.stable=100ms", "-Dimagegen.api.port=0",
            "-Dimagegen.jms.port=0");

    @Test
    void theDistributionRunsFromAnotherFolderThroughALinkAndKeepsItsFoldersInItsHome() throws Exception {
        Path dir = clean(ROOT.resolve("distribution"));
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        run(unpacked, "tar", "xzf", distribution().toString());
        Path home;
        try (Stream<Path> top = Files.list(unpacked)) {
            home = top.collect(onlyOne());
        }
        assertThat(home.resolve("bin/imagegen")).isExecutable();
        // a link elsewhere with a relative target, as /usr/local/bin/imagegen -> ../../../opt/imagegen/bin/imagegen
        Path links = Files.createDirectories(dir.resolve("links"));
        Path link = Files.createSymbolicLink(links.resolve("imagegen"), links.relativize(home.resolve("bin/imagegen")));
        Path working = Files.createDirectories(dir.resolve("working"));

        List<String> javaOpts = new ArrayList<>(FAST);
        // the console port finds the Hawtio war in the distribution's lib/ (it refuses to start without it)
        javaOpts.addAll(List.of("-Dimagegen.console.enabled=true", "-Dimagegen.console.port=0",
                "-Dimagegen.console.password=distribution-test"));
        ProcessBuilder builder = new ProcessBuilder(link.toString()).directory(working.toFile());
        builder.environment().remove("IMAGEGEN_HOME");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPTS", String.join(" ", javaOpts));
        Path log = dir.resolve("bundle.log");
        Process bundle = start(builder, log);
        try {
            assertThat(ProcessHandle.of(bundle.pid()).flatMap(p -> p.info().command()))
                    .as("the launcher replaced itself with java (exec), so signals reach the bundle")
                    .hasValueSatisfying(command -> assertThat(command).endsWith("java"));
            assertThat(read(log)).contains("management console on http://127.0.0.1:");

            // the default folders are the home's
            deliver(home.resolve("inbox"), home.resolve("outbox"), "dist-1");

            bundle.destroy();
            assertThat(bundle.waitFor(2, TimeUnit.MINUTES)).as("SIGTERM stops it").isTrue();
            assertThat(bundle.exitValue()).as("the exit status the systemd unit counts as success").isIn(0, 143);
        } finally {
            bundle.destroyForcibly();
        }
        assertThat(read(log)).contains("is shutdown").doesNotContain(" ERROR ");
        assertThat(home.resolve("data/jobstore.mv.db")).isRegularFile();
        assertThat(listing(working)).as("nothing written to the working directory").isEmpty();
    }

    @Test
    void theThinJarRunsFromAnotherFolder() throws Exception {
        Path dir = clean(ROOT.resolve("thin-jar"));
        Path working = Files.createDirectories(dir.resolve("working"));
        Path inbox = dir.resolve("inbox");
        Path outbox = dir.resolve("outbox");
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(FAST);
        command.addAll(List.of("-Dimagegen.console.enabled=false", "-jar", thinJar()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(working.toFile());
        builder.environment().remove("IMAGEGEN_HOME");
        // folders of its own, not the checkout's, set the way docs/operating.md's systemd unit sets them
        builder.environment().putAll(Map.of("IMAGEGEN_INBOX", inbox.toString(), "IMAGEGEN_OUTBOX", outbox.toString(),
                "IMAGEGEN_DATA", dir.resolve("data").toString()));
        Path log = dir.resolve("bundle.log");
        Process bundle = start(builder, log);
        try {
            deliver(inbox, outbox, "thin-1");
            bundle.destroy();
            assertThat(bundle.waitFor(2, TimeUnit.MINUTES)).isTrue();
        } finally {
            bundle.destroyForcibly();
        }
        assertThat(read(log)).doesNotContain(" ERROR ");
        assertThat(listing(working)).as("nothing written to the working directory").isEmpty();
    }

    @Test
    void aHomeWithoutConfigGetsOneLineAndANonZeroExit() throws Exception {
        Path dir = clean(ROOT.resolve("no-config"));
        Path empty = Files.createDirectories(dir.resolve("empty-home"));
        ProcessBuilder builder = new ProcessBuilder(java(), "-jar", thinJar()).directory(empty.toFile());
        builder.environment().put("IMAGEGEN_HOME", empty.toString());
        Path log = dir.resolve("bundle.log");
        Process bundle = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(bundle.waitFor(2, TimeUnit.MINUTES)).isTrue();
        } finally {
            bundle.destroyForcibly();
        }
        assertThat(bundle.exitValue()).isNotZero();
        String output = read(log);
        assertThat(output.lines()).as(output).hasSize(1).first().asString()
                .contains("no config/application.properties in " + empty)
                .contains("set IMAGEGEN_HOME or -Dimagegen.home")
                .doesNotContain("Exception");
        assertThat(listing(empty)).isEmpty();
    }

    /** Drops one request into {@code inbox} and waits for its delivered manifest and image in {@code outbox}. */
    private static void deliver(Path inbox, Path outbox, String id) throws IOException {
        Files.createDirectories(inbox);
        Path staged = inbox.getParent().resolve(id + ".tmp");
        Files.writeString(staged, "{\"id\": \"" + id + "\", \"prompt\": \"a cat far from home\"}");
        Files.move(staged, inbox.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE);
        Path manifest = outbox.resolve(id).resolve("manifest.json");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> Files.exists(manifest)
                && JSON.readTree(manifest.toFile()).path("state").asText().equals("DELIVERED"));
        try (Stream<Path> files = Files.list(outbox.resolve(id))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(name -> name.endsWith(".jpg"));
        }
    }

    /** Starts the bundle with its output in {@code log}, and waits until Camel says it started. */
    private static Process start(ProcessBuilder builder, Path log) throws IOException {
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertThat(process.isAlive()).as("the bundle stopped:%n%s", read(log)).isTrue();
                return read(log).contains(") started in ");
            });
        } catch (RuntimeException | Error e) {
            process.destroyForcibly();
            throw e;
        }
        return process;
    }

    private static Path distribution() throws IOException {
        try (Stream<Path> target = Files.list(Path.of("target"))) {
            return target.filter(p -> p.getFileName().toString().matches("imagegen-bundle-.+\\.tar\\.gz"))
                    .map(Path::toAbsolutePath).collect(onlyOne());
        }
    }

    private static String thinJar() {
        return Path.of("target", "imagegen-bundle.jar").toAbsolutePath().toString();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void run(Path directory, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).inheritIO().start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
    }

    private static Collector<Path, ?, Path> onlyOne() {
        return Collectors.collectingAndThen(Collectors.toList(), list -> {
            assertThat(list).hasSize(1);
            return list.get(0);
        });
    }

    private static List<String> listing(Path folder) throws IOException {
        try (Stream<Path> all = Files.list(folder)) {
            return all.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    private static Path clean(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }
}
