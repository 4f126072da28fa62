package org.imagegen.simulator;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The prompt directives that switch simulator faults on for one generation. */
class ScenarioTest {

    @Test
    void faultsAreReadPerPointInTheOrderWritten() {
        Scenario s = Scenario.of("a cat sim:create-429x1 sim:check-500x2 sim:check-slowx1 sim:image-truncatedx3");

        assertThat(s.at(Scenario.CREATE)).containsExactly(new Scenario.Injection(Fault.RATE_LIMITED, 1));
        assertThat(s.at(Scenario.CHECK)).containsExactly(new Scenario.Injection(Fault.SERVER_ERROR, 2),
                new Scenario.Injection(Fault.SLOW, 1));
        assertThat(s.at(Scenario.IMAGE)).containsExactly(new Scenario.Injection(Fault.TRUNCATED, 3));
        assertThat(s.at(Scenario.FIND)).isEmpty();
        assertThat(s.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void theShortFormsOfEarlierVersionsStillMeanStatusChecks() {
        Scenario s = Scenario.of("sim:429x2 sim:503x3 sim:create-503x2 sim:retry-after=7");

        assertThat(s.at(Scenario.CHECK)).containsExactly(new Scenario.Injection(Fault.RATE_LIMITED, 2),
                new Scenario.Injection(Fault.UNAVAILABLE, 3));
        assertThat(s.at(Scenario.CREATE)).containsExactly(new Scenario.Injection(Fault.UNAVAILABLE, 2));
        assertThat(s.retryAfterSeconds()).isEqualTo(7);
    }

    @Test
    void unknownFaultsAndImageFaultsElsewhereAreIgnoredAndOtherDirectivesKeepTheirMeaning() {
        Scenario s = Scenario.of("sim:check-hugex2 sim:create-bogusx1 sim:create-lost sim:fail-once sim:ms=1500");

        assertThat(s.faults()).isEmpty();
        assertThat(s.createLost()).isTrue();
        assertThat(s.failOnce()).isTrue();
        assertThat(s.fail()).isFalse();
        assertThat(s.durationMs()).isEqualTo(1500L);
        assertThat(List.of(Scenario.of("plain prompt").faults())).containsExactly(java.util.Map.of());
    }
}
