package org.imagegen.provider.definition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.imagegen.job.PollPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Definitions found in the registry by type; names that would replace a bean or a component refused. */
class DefinedProvidersTest {

    private static ProviderDefinition minimal() {
        ProviderDefinition d = new ProviderDefinition();
        d.setBaseUrl("https://api.example.com");
        d.setCreatePath("/generate");
        d.setCreateBody("{prompt: .prompt}");
        d.setCreateId(".id");
        d.setStatusPath("/generations/${id}");
        d.setStatusOutcome("{state: .state}");
        return d;
    }

    @Test
    void everyDefinitionBeanBecomesAProviderUnderItsBeanName() {
        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("acme", minimal());
        context.getRegistry().bind("zeta", minimal());
        context.getRegistry().bind("notADefinition", "a string");
        List<String> names = new ArrayList<>();

        DefinedProviders.register(context, (name, provider) -> names.add(provider.name()));

        assertThat(names).containsExactly("acme", "zeta");
    }

    @Test
    void aNameTheBundleOrCamelUsesIsRefused() {
        for (String taken : List.of("jobs", "outbox", "http", "file")) {
            CamelContext context = new DefaultCamelContext();
            context.getRegistry().bind(taken, minimal());
            assertThatThrownBy(() -> DefinedProviders.register(context, (name, provider) -> { }))
                    .as(taken).hasMessageContaining("'" + taken + "'").hasMessageContaining("taken");
        }
    }

    @Test
    void pollTimingsFallBackToTheGlobalSettingsAndRateLimitsToTheirDefaults() {
        ProviderDefinition d = minimal();
        d.setPollInterval("750ms");
        Map<String, String> global = Map.of("imagegen.poll.initial-delay", "2s", "imagegen.poll.interval", "2s",
                "imagegen.poll.queued-interval", "4s", "imagegen.poll.deadline", "10m", "imagegen.poll.max-backoff", "1m");

        PollPolicy policy = DefinedProviders.policy(d, global::get);

        assertThat(policy.initialDelayMs()).isEqualTo(2000);
        assertThat(policy.intervalMs()).isEqualTo(750);
        assertThat(policy.queuedIntervalMs()).isEqualTo(4000);
        assertThat(policy.deadlineMs()).isEqualTo(600_000);
        d.setRatePerSecond("fast");
        assertThatThrownBy(() -> DefinedProviders.rateLimiter(d)).hasMessageContaining("ratePerSecond");
    }
}
