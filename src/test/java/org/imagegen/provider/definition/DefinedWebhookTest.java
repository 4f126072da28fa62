package org.imagegen.provider.definition;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.job.Job;
import org.imagegen.provider.ProviderCall;
import org.imagegen.support.TestJobs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The webhook properties of a definition: checked at start by property, and what creates hand the provider. */
class DefinedWebhookTest {

    private static ProviderDefinition definition(Consumer<ProviderDefinition> webhooks) {
        ProviderDefinition d = new ProviderDefinition();
        d.setBaseUrl("https://queue.example.run");
        d.setApiKey("k-1");
        d.setCreatePath("/fal-ai/flux/dev?fal_webhook=${webhookUrl}");
        d.setCreateBody("{prompt: .prompt, webhook: .webhookUrl}");
        d.setCreateId(".request_id");
        d.setStatusPath("/requests/${id}/status");
        d.setStatusOutcome("{state: .status}");
        webhooks.accept(d);
        return d;
    }

    /** Webhooks on, a delivery's generation read with {@code id}, signed by {@code signature}; then {@code more}. */
    private static Consumer<ProviderDefinition> webhooks(String id, String signature,
                                                         Consumer<ProviderDefinition> more) {
        return d -> {
            d.setWebhooks("true");
            d.setWebhookId(id);
            d.setWebhookSignature(signature);
            more.accept(d);
        };
    }

    private static Consumer<ProviderDefinition> webhooks(String id, String signature) {
        return webhooks(id, signature, d -> { });
    }

    private static Job job() {
        return TestJobs.of(TestJobs.request("job-1", "hooked", "a bridge"));
    }

    @Test
    void withWebhooksOnTheCreateCarriesTheReceiverUrlInTheBodyAndUrlEncodedInThePath() throws Exception {
        DefinedProvider provider = new DefinedProvider("hooked", definition(webhooks(".request_id", "ed25519-jwks",
                d -> d.setWebhookJwksUrl("https://rest.example.ai/.well-known/jwks.json"))));
        provider.webhook().receiveAt(() -> "https://imagegen.example.com/");

        ProviderCall create = provider.createCall(job());

        assertThat(create.url()).isEqualTo("https://queue.example.run/fal-ai/flux/dev?fal_webhook="
                + "https%3A%2F%2Fimagegen.example.com%2Fwebhooks%2Fhooked");
        assertThat(new ObjectMapper().readTree(create.body()).path("webhook").asText())
                .isEqualTo("https://imagegen.example.com/webhooks/hooked");
        // the key set is on another host than the API's: fetched without the key
        ProviderCall keys = provider.webhook().keysCall(name -> null, new byte[0], 0);
        assertThat(keys.url()).isEqualTo("https://rest.example.ai/.well-known/jwks.json");
        assertThat(keys.authenticated()).isFalse();
        assertThat(provider.webhook().generationId("{\"request_id\": \"r-9\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("r-9");
        assertThat(provider.webhook().generationId("not json".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void withWebhooksOffTheUrlIsNullAndNothingIsRequired() throws Exception {
        DefinedProvider provider = new DefinedProvider("hooked", definition(d -> d.setWebhookSignature("none")));

        ProviderCall create = provider.createCall(job());

        assertThat(provider.webhook()).isNull();
        assertThat(create.url()).as("the empty parameter is not sent").doesNotContain("fal_webhook");
        assertThat(new ObjectMapper().readTree(create.body()).path("webhook").isNull()).isTrue();
    }

    @Test
    void theNoneSchemeUsesASecretPathAndTheSignedSchemesFetchTheirKeysFromTheProvider() {
        DefinedProvider pathed = new DefinedProvider("pathed", definition(webhooks(".id", "none",
                d -> d.setWebhookSecret("s3cr3t-path-0123456789"))));
        pathed.webhook().receiveAt(() -> "http://127.0.0.1:8080");
        assertThat(pathed.webhookUrl()).isEqualTo("http://127.0.0.1:8080/webhooks/pathed/s3cr3t-path-0123456789");
        assertThat(pathed.webhook().pathSecretMatches("s3cr3t-path-0123456789")).isTrue();
        assertThat(pathed.webhook().pathSecretMatches("s3cr3t-path-012345678")).isFalse();

        DefinedProvider replicate = new DefinedProvider("signed", definition(webhooks(".id", "standard-webhooks",
                d -> d.setWebhookSecretPath("/v1/webhooks/default/secret"))));
        ProviderCall secret = replicate.webhook().keysCall(name -> null, new byte[0], 0);
        assertThat(secret.url()).isEqualTo("https://queue.example.run/v1/webhooks/default/secret");
        assertThat(secret.authenticated()).as("the provider's own host: with the key").isTrue();
    }

    /** A definition that cannot receive webhooks ({@code change} to a working one) and what its refusal names. */
    record Refusal(String message, Consumer<ProviderDefinition> change) {

        @Override
        public String toString() {
            return message;
        }
    }

    static List<Refusal> definitionsThatCannotReceive() {
        return List.of(
                new Refusal("webhooks:", d -> d.setWebhooks("yes")),
                new Refusal("webhookSignature: 'hmac' is not a signature scheme", d -> d.setWebhookSignature("hmac")),
                new Refusal("webhookTolerance:", d -> d.setWebhookTolerance("soon")),
                new Refusal("webhookId:", d -> d.setWebhookId(".id |")),
                new Refusal("webhookId: required", d -> {
                    d.setWebhooks("true");
                    d.setWebhookSignature("none");
                }),
                new Refusal("webhookSignature: required", d -> {
                    d.setWebhooks("true");
                    d.setWebhookId(".id");
                }),
                new Refusal("webhookSecret: required", webhooks(".id", "none")),
                new Refusal("webhookSecret: the none scheme's secret",
                        webhooks(".id", "none", d -> d.setWebhookSecret("short"))),
                new Refusal("webhookSecret or webhookSecretPath", webhooks(".id", "standard-webhooks")),
                new Refusal("webhookSecret: not a Standard Webhooks secret",
                        webhooks(".id", "standard-webhooks", d -> d.setWebhookSecret("whsec_***"))),
                new Refusal("webhookJwksUrl: required", webhooks(".id", "ed25519-jwks")),
                new Refusal("webhookJwksUrl:",
                        webhooks(".id", "ed25519-jwks", d -> d.setWebhookJwksUrl("ftp://keys.example"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("definitionsThatCannotReceive")
    void aDefinitionThatCannotReceiveStopsTheStartNamingTheProperty(Refusal refusal) {
        assertThatThrownBy(() -> new DefinedProvider("hooked", definition(refusal.change())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("provider definition 'hooked': ").hasMessageContaining(refusal.message());
    }
}
