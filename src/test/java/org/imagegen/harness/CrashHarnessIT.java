package org.imagegen.harness;

import java.nio.file.Path;
import java.util.List;

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

        assertThat(result.lost()).as(result.line() + " " + result.problems()).isZero();
        assertThat(result.duplicateCreates()).as(result.line() + " " + result.problems()).isZero();
        assertThat(result.delivered() + result.failed()).isEqualTo(requests);
    }
}
