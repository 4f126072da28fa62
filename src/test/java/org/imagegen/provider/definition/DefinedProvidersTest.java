package org.imagegen.provider.definition;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.imagegen.job.PollPolicy;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Definitions found in the registry by type; names that would replace a bean or a component refused. */
@ExtendWith(PostgresJobStore.class)
class DefinedProvidersTest {

    /** A definition with only what every definition must have (also the start of other tests' definitions). */
    static ProviderDefinition minimal() {
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
    void aNameOneOfTheBundlesBeansIsBoundUnderIsRefusedWhicheverWasBoundFirst() {
        // the route file read first: the bundle's bean is bound beside the definition
        CamelContext besides = new DefaultCamelContext();
        besides.getRegistry().bind("intake", minimal());
        besides.getRegistry().bind("intake", new Object());
        // the route file read later: the name is unbound before the definition takes it
        CamelContext replaced = new DefaultCamelContext();
        replaced.getRegistry().bind("intake", new Object());
        TakenNames recordedBefore = new TakenNames().recordBound(replaced.getRegistry());
        replaced.getRegistry().unbind("intake");
        replaced.getRegistry().bind("intake", minimal());

        for (var registered : Map.of(besides, new TakenNames(), replaced, recordedBefore).entrySet()) {
            TakenNames taken = registered.getValue().recordBound(registered.getKey().getRegistry());
            assertThatThrownBy(() -> DefinedProviders.register(registered.getKey(), (n, d) -> null, () -> null, taken,
                    (n, p) -> { }))
                    .hasMessage("provider definition 'intake': the name is taken by one of the bundle's own beans;"
                            + " choose another name for the bean");
        }
    }

    @Test
    void aDefinitionAloneUnderItsNameTakesNoNameFromItself() {
        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("acme", minimal());
        TakenNames taken = new TakenNames().recordBound(context.getRegistry());
        List<String> names = new ArrayList<>();

        DefinedProviders.register(context, (n, d) -> null, () -> null, taken, (name, provider) -> names.add(name));

        assertThat(names).containsExactly("acme");
    }

    @Test
    void aDefinitionFileNamingOneOfTheBundlesBeansStopsTheStart() throws Exception {
        Folders folders = new Folders("taken-name").clean();
        // the example definition under the name of the bean RoutingConfiguration binds for the routes over providers
        folders.addProviderFile("fallover", Files.readString(
                Path.of("docs", "examples", "acme.camel.yaml")).replace("- name: acme\n", "- name: fallover\n"));

        assertThatThrownBy(() -> RunningBundle.start(folders.fastBundle(folders.withTestProviders())).close())
                .hasStackTraceContaining("provider definition 'fallover': the name is taken by one of the bundle's own"
                        + " beans; choose another name for the bean");
    }

    @Test
    void aCamelComponentsNameOrTheGenericProviderRoutesNameIsRefused() {
        for (String taken : List.of("http", "file", "defined-provider")) {
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

        PollPolicy policy = DefinedProviders.policy(d.pacing(), global::get);

        assertThat(policy.initialDelayMs()).isEqualTo(2000);
        assertThat(policy.intervalMs()).isEqualTo(750);
        assertThat(policy.queuedIntervalMs()).isEqualTo(4000);
        assertThat(policy.deadlineMs()).isEqualTo(600_000);
        d.setRatePerSecond("fast");
        assertThatThrownBy(() -> DefinedProviders.rateLimiter(d.pacing())).hasMessageContaining("ratePerSecond");
    }
}
