package org.imagegen.provider.definition;

import org.imagegen.provider.ProviderCall;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** keyCheckPath: the readiness GET goes to the provider's own host with the key; without it there is no key check. */
class KeyCheckCallTest {

    private static ProviderDefinition definition(String keyCheckPath) {
        ProviderDefinition d = new ProviderDefinition();
        d.setBaseUrl("https://api.example.ai/");
        d.setApiKey("k-123");
        d.setAuthHeader("Authorization");
        d.setAuthFormat("Bearer %s");
        d.setCreatePath("/v1/predictions");
        d.setCreateBody("{prompt: .prompt}");
        d.setCreateId(".id");
        d.setStatusPath("/v1/predictions/${id}");
        d.setStatusOutcome("{state: .status}");
        d.setKeyCheckPath(keyCheckPath);
        return d;
    }

    @Test
    void theKeyCheckIsAnAuthenticatedGetOnTheBaseUrl() {
        ProviderCall call = new DefinedProvider("acme", definition(" /v1/account ")).keyCheckCall();
        assertThat(call).isNotNull();
        assertThat(call.method()).isEqualTo("GET");
        assertThat(call.url()).isEqualTo("https://api.example.ai/v1/account");
        assertThat(call.authenticated()).as("the key goes along: a refused key is what it detects").isTrue();
        assertThat(call.provider()).isEqualTo("acme");
    }

    @Test
    void withoutKeyCheckPathThereIsNoKeyCheck() {
        assertThat(new DefinedProvider("acme", definition(null)).keyCheckCall()).isNull();
        assertThat(new DefinedProvider("acme", definition("  ")).keyCheckCall()).isNull();
    }
}
