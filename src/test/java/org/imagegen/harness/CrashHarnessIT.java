package org.imagegen.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash harness, small (100 requests, 2 SIGKILLs; {@code -Dharness.requests}, {@code -Dharness.kills} change
 * them), on the packaged bundle: run by failsafe after `package`. The full one is
 * {@code mvn -q -Pcrash-harness verify -Dharness.requests=500 -Dharness.kills=5}. With more fault classes
 * ({@code -Dharness.faults=kill,pause,partition,disk}) and {@code -Dharness.store=h2|postgres} it runs
 * {@link FaultHarness}; the default is {@code kill} on H2.
 */
class CrashHarnessIT {

    @Test
    void killedTwiceItLosesNothingAndPaysForNothingTwice() throws Exception {
        int requests = Integer.getInteger("harness.requests", 100);
        List<String> faults = CrashHarness.faults();
        Path root = Path.of("target", "it", "crash-harness");
        int rounds = Integer.getInteger("harness.kills", 2);
        CrashHarness.Result result = CrashHarness.run(requests, faults, rounds, 20261123L, root);
        System.out.println(result.line());
        System.out.println("job store rebuilt from its rows (an index a kill left short): " + rebuilds(root)
                + " of the bundle's starts");

        assertThat(result.lost()).as(result.line() + " " + result.problems()).isZero();
        assertThat(result.duplicateCreates()).as(result.line() + " " + result.problems()).isZero();
        assertThat(result.delivered() + result.failed()).isEqualTo(requests);
    }

    /** How many of the bundle's logs say it rebuilt its H2 store at start (H2IndexRepair). */
    private static long rebuilds(Path root) throws IOException {
        try (Stream<Path> logs = Files.list(root)) {
            return logs.filter(log -> log.getFileName().toString().matches("bundle-\\d+\\.log")).filter(log -> {
                try {
                    return Files.readString(log, StandardCharsets.ISO_8859_1).contains("rebuilt from its rows");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).count();
        }
    }
}
