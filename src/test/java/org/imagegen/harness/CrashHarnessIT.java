package org.imagegen.harness;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash harness, small (100 requests, 2 SIGKILLs; {@code -Dharness.requests}, {@code -Dharness.kills} change
 * them), on the packaged bundle: run by failsafe after `package`. The full one is
 * {@code mvn -q -Pcrash-harness verify -Dharness.requests=500 -Dharness.kills=5}. With
 * {@code -Dharness.faults=kill,pause} it runs two instances on one PostgreSQL database and the faults alternate
 * between SIGKILL and a SIGSTOP past the lease ({@link PauseHarness}); the default is {@code kill}.
 */
class CrashHarnessIT {

    @Test
    void killedTwiceItLosesNothingAndPaysForNothingTwice() throws Exception {
        int requests = Integer.getInteger("harness.requests", 100);
        List<String> faults = CrashHarness.faults();
        Path root = Path.of("target", "it", "crash-harness");
        int rounds = Integer.getInteger("harness.kills", 2);
        CrashHarness.Result result = faults.contains("pause")
                ? PauseHarness.run(requests, faults, rounds, 20261123L, root)
                : CrashHarness.run(requests, rounds, 20261123L, root);
        System.out.println(result.line());

        assertThat(result.lost()).as(result.line() + " " + result.problems()).isZero();
        assertThat(result.duplicateCreates()).as(result.line() + " " + result.problems()).isZero();
        assertThat(result.delivered() + result.failed()).isEqualTo(requests);
    }
}
