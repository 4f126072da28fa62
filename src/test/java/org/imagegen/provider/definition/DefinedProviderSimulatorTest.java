package org.imagegen.provider.definition;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.imagegen.simulator.TinySimulator;
import org.imagegen.support.FreePorts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The definition property simulator: when a built-in simulator stands in, and that it stops with the bundle. */
class DefinedProviderSimulatorTest {

    static {
        TinySimulator.register();
    }

    private final Map<String, String> settings = new HashMap<>(Map.of("imagegen.simulator.duration-min", "10ms",
            "imagegen.simulator.duration-max", "20ms", "imagegen.simulator.failure-rate", "0",
            "imagegen.simulator.censor-rate", "0", "imagegen.simulator.transient-error-rate", "0",
            "imagegen.simulator.slow-rate", "0", "imagegen.simulator.slow-delay", "1s",
            "imagegen.simulator.image-size", "64"));

    private static ProviderDefinition definition(String apiKey, String simulator) {
        ProviderDefinition d = new ProviderDefinition();
        d.setBaseUrl("https://api.tiny.example");
        d.setApiKey(apiKey);
        d.setDownloadHosts("cdn.tiny.example");
        d.setCreatePath("/v1/generations");
        d.setCreateBody("{prompt: .prompt}");
        d.setCreateId(".id");
        d.setStatusPath("/v1/generations/${id}");
        d.setStatusOutcome("{state: \"succeeded\", images: [.url]}");
        d.setSimulator(simulator);
        return d;
    }

    private List<DefinedProvider> register(SimulatorsInUse simulators, ProviderDefinition d) {
        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("tiny", d);
        List<DefinedProvider> registered = new ArrayList<>();
        DefinedProviders.register(context, simulators, (name, provider) -> registered.add(provider));
        return registered;
    }

    /** Started, as the context starts it (a service of the context). */
    private SimulatorsInUse simulators(String mode) {
        SimulatorsInUse simulators = new SimulatorsInUse(mode, true, key -> Optional.ofNullable(settings.get(key)));
        simulators.start();
        return simulators;
    }

    @Test
    void aSimulatorStandsInForTheBaseUrlWithTheKeySimulatedAndStopsWithTheBundle() throws Exception {
        settings.put("imagegen.simulator.tiny.port", "0");
        SimulatorsInUse simulators = simulators("auto");

        DefinedProvider tiny = register(simulators, definition("", TinySimulator.NAME)).get(0);

        assertThat(simulators.started()).hasSize(1);
        TinySimulator simulator = (TinySimulator) simulators.started().get(0);
        assertThat(TinySimulator.started()).contains(simulator);
        assertThat(tiny.isSimulated()).isTrue();
        assertThat(tiny.baseUrl()).isEqualTo(simulator.baseUrl()).isNotEqualTo("https://api.tiny.example");
        assertThat(tiny.authValue()).isEqualTo("Bearer simulated");
        assertThat(tiny.downloadHosts().refusal("http://localhost:" + simulator.port() + "/files/x.png"))
                .as("its image host is allowed").isNull();
        assertThat(tiny.downloadHosts().refusal("https://cdn.tiny.example/x.png")).isNull();
        assertThat(FreePorts.listening(simulator.port())).isTrue();

        simulators.stop();

        assertThat(FreePorts.listening(simulator.port())).as("closed with the context").isFalse();
        assertThat(simulators.started()).isEmpty();
    }

    @Test
    void autoSimulatesOnlyWithoutAKeyTrueAlwaysFalseNever() {
        assertThat(register(simulators("auto"), definition("k-1", TinySimulator.NAME)).get(0).isSimulated()).isFalse();
        assertThat(register(simulators("false"), definition("", TinySimulator.NAME)).get(0).isSimulated()).isFalse();
        SimulatorsInUse always = simulators("true");
        DefinedProvider withKey = register(always, definition("k-1", TinySimulator.NAME)).get(0);
        assertThat(withKey.isSimulated()).isTrue();
        assertThat(withKey.authValue()).as("never the real key to a simulator").isEqualTo("Bearer simulated");
        always.stop();
        assertThat(register(simulators("true"), definition("", null)).get(0).isSimulated())
                .as("no simulator declared: called at its base URL").isFalse();
    }

    @Test
    void anUnknownSimulatorIsAStartErrorNamingTheProviderAndTheProperty() {
        assertThatThrownBy(() -> register(simulators("false"), definition("k-1", "no-such")))
                .hasMessageStartingWith("provider definition 'tiny': simulator: 'no-such' is not a built-in simulator")
                .hasMessageContaining(TinySimulator.NAME);
    }

    @Test
    void theSimulatorsPortComesFromItsProvidersSetting() throws IOException {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        settings.put("imagegen.simulator.tiny.port", String.valueOf(port));
        SimulatorsInUse simulators = simulators("true");
        try {
            assertThat(register(simulators, definition("", TinySimulator.NAME)).get(0).baseUrl())
                    .isEqualTo("http://127.0.0.1:" + port);
        } finally {
            simulators.stop();
        }
    }
}
