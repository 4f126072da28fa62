package org.imagegen.delivery;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The default sinks of a provider that joins at start (a definition): checked against the configured sinks. */
class ProviderDefaultSinksTest {

    private static Sinks sinks() {
        SinkSpec outbox = new SinkSpec("outbox", SinkType.FILE, new FolderPattern("{id}", "k"), Map.of("root", "out"));
        SinkSpec archive = new SinkSpec("archive", SinkType.FILE, new FolderPattern("{id}", "k"), Map.of("root", "arc"));
        return new Sinks(List.of(outbox, archive), List.of("outbox"), Map.of(), null, Set.of());
    }

    @Test
    void aJoiningProvidersDefaultsAreKeptAndAnEmptyListLeavesItOnTheGlobalDefault() {
        Sinks sinks = sinks();
        sinks.addProviderDefaults("replicate", List.of("archive"));
        sinks.addProviderDefaults("fal", List.of());
        assertThat(sinks.providerDefaults()).isEqualTo(Map.of("replicate", List.of("archive")));
    }

    @Test
    void anUnknownSinkIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> sinks().addProviderDefaults("replicate", List.of("nowhere")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("imagegen.providers.replicate.sinks").hasMessageContaining("'nowhere'");
    }
}
