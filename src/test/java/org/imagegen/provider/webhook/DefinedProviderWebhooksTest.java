package org.imagegen.provider.webhook;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.job.Job;
import org.imagegen.support.BundleTest;
import org.imagegen.support.Folders;
import org.imagegen.support.PublicUrl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.imagegen.provider.webhook.HooksStub.falHeaders;
import static org.imagegen.provider.webhook.HooksStub.generate;
import static org.imagegen.provider.webhook.HooksStub.standardHeaders;

/**
 * Webhooks of providers declared by definition files, against the real routes/ and config/: three definitions written
 * here (Standard Webhooks with the secret fetched from the provider, Ed25519 with a JWKS, and an unsigned one behind a
 * secret path) and a scripted stub of their API on 127.0.0.1. Their poll timings are ten minutes, so a job is only
 * checked, and delivered, when a webhook brings its check forward; a refused delivery must change nothing.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.FAST_BUNDLE, App.CONFIG}, properties = {
        Folders.WITH_TEST_PROVIDERS,
        "imagegen.test.folders=defined-webhooks"
})
class DefinedProviderWebhooksTest extends BundleTest {

    private static final String KEY = "hooks-test-key-51d2";
    private static final String PATH_SECRET = "path-secret-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Folders FOLDERS = new Folders("defined-webhooks").clean();
    private static final KeyPair SIGNER = generate();
    private static final HooksStub STUB = HooksStub.start(SIGNER);

    static {
        // the operator's part: definition files in a folder the routes pattern loads, the base URL as a setting
        String predictions = """
                createPath: /v1/predictions
                createBody: "{input: {prompt: .prompt}, webhook: .webhookUrl}"
                createId: .id
                webhookId: .id
                """;
        String definitions = "- beans:\n"
                + bean("signed", predictions + """
                        webhookSignature: standard-webhooks
                        webhookSecretPath: /v1/webhooks/default/secret
                        """)
                + bean("sealed", """
                        createPath: "/queue/flux?fal_webhook=${webhookUrl}"
                        createBody: "{prompt: .prompt}"
                        createId: .request_id
                        webhookId: .request_id
                        webhookSignature: ed25519-jwks
                        webhookJwksUrl: "{{imagegen.providers.hooks-stub.jwks-url}}"
                        """)
                + bean("pathed", predictions + """
                        webhookSignature: none
                        webhookSecret: %s
                        """.formatted(PATH_SECRET))
                + bean("unkeyed", predictions + """
                        webhookSignature: ed25519-jwks
                        webhookJwksUrl: "http://127.0.0.1:9/jwks.json"
                        """);
        FOLDERS.addProviderFile("hooks", definitions);
        System.setProperty("imagegen.providers.hooks-stub.base-url", "http://127.0.0.1:" + STUB.port());
        // another host than the API's: the key must not go there
        System.setProperty("imagegen.providers.hooks-stub.jwks-url", "http://localhost:" + STUB.port() + "/jwks.json");
    }

    /**
     * One provider definition bean, as the operator writes it: {@code name}, the settings every provider here shares
     * (the stub's API and its statuses, webhooks on), then its own ({@code own}: how it creates and signs).
     */
    private static String bean(String name, String own) {
        String shared = """
                baseUrl: "{{imagegen.providers.hooks-stub.base-url}}"
                apiKey: "%s"
                downloadHosts: localhost
                pollInitialDelay: 10m
                pollInterval: 10m
                pollQueuedInterval: 10m
                statusPath: "/v1/predictions/${id}"
                statusOutcome: >-
                  {state: ({"processing": "running", "succeeded": "succeeded"}[.status] // "unknown"),
                  images: [.output[]?]}
                webhooks: "true"
                """.formatted(KEY);
        return Folders.providerBean(name, shared + own);
    }

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterAll
    void stopStub() {
        STUB.stop();
        System.clearProperty("imagegen.providers.hooks-stub.base-url");
        System.clearProperty("imagegen.providers.hooks-stub.jwks-url");
    }

    @Test
    void aStandardWebhooksDeliveryBringsTheCheckForwardAndForgedStaleAndReplayedOnesChangeNothing() throws Exception {
        String generation = submit("hook-signed", "signed");
        String receiver = JSON.readTree(STUB.createBody(generation)).path("webhook").asText();
        assertThat(receiver).isEqualTo(new PublicUrl(context).get() + "/webhooks/signed");
        STUB.finish(generation);
        Job waiting = store.find("hook-signed").orElseThrow();
        byte[] payload = ("{\"id\": \"" + generation + "\", \"status\": \"succeeded\"}").getBytes(StandardCharsets.UTF_8);
        long now = System.currentTimeMillis() / 1000;

        // forged: signed over another body; the secret is fetched first, with the key, from the provider's own host
        byte[] forged = ("{\"id\": \"" + generation + "\", \"status\": \"failed\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> refused = post(receiver, standardHeaders("msg_1", now, forged), payload);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
        assertThat(STUB.secretFetches.get()).isEqualTo(1);
        assertThat(STUB.secretAuthorization).isEqualTo("Bearer " + KEY);
        // stale: genuinely signed, six minutes old
        HttpResponse<String> stale = post(receiver, standardHeaders("msg_2", now - 360, payload), payload);
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(403);
        assertThat(post(receiver, Map.of(), payload).statusCode()).isEqualTo(401);
        assertThat(store.find("hook-signed").orElseThrow().getNextCheckAt()).isEqualTo(waiting.getNextCheckAt());
        assertThat(STUB.statusChecks(generation)).isZero();

        Map<String, String> genuine = standardHeaders("msg_3", now, payload);
        HttpResponse<String> accepted = post(receiver, genuine, payload);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(JSON.readTree(accepted.body()).path("checkedAtOnce").asInt()).isEqualTo(1);
        FOLDERS.awaitEnded("hook-signed", "DELIVERED", WAIT);
        assertThat(STUB.statusChecks(generation)).isEqualTo(1);

        // the same delivery again: a replay
        HttpResponse<String> replayed = post(receiver, genuine, payload);
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(403);
        // a genuine delivery for a generation no job waits on: accepted, nothing to do
        byte[] unknown = "{\"id\": \"gen_unknown\", \"status\": \"succeeded\"}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> nobody = post(receiver, standardHeaders("msg_4", now, unknown), unknown);
        assertThat(nobody.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(nobody.body()).path("checkedAtOnce").asInt()).isZero();
        assertThat(STUB.secretFetches.get()).as("fetched once: refetched at most once a minute").isEqualTo(1);
        assertThat(metric("imagegen_webhooks_refused_total{provider=\"signed\"}")).isEqualTo(4);
        assertThat(metric("imagegen_webhooks_received_total{provider=\"signed\"}")).isEqualTo(2);
    }

    @Test
    void anEd25519DeliveryVerifiedWithTheProvidersKeySetDeliversAndOneSignedByAnotherKeyIsRefused() throws Exception {
        String generation = submit("hook-sealed", "sealed");
        String query = STUB.createQuery(generation);
        assertThat(query).startsWith("fal_webhook=").doesNotContain("://");
        String receiver = URLDecoder.decode(query.substring("fal_webhook=".length()), StandardCharsets.UTF_8);
        assertThat(receiver).isEqualTo(new PublicUrl(context).get() + "/webhooks/sealed");
        STUB.finish(generation);
        Job waiting = store.find("hook-sealed").orElseThrow();
        byte[] payload = ("{\"request_id\": \"" + generation + "\", \"status\": \"OK\", \"payload\": {}}")
                .getBytes(StandardCharsets.UTF_8);
        long now = System.currentTimeMillis() / 1000;

        HttpResponse<String> refused = post(receiver, falHeaders(generate(), generation, now, payload), payload);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
        assertThat(STUB.jwksFetches.get()).isEqualTo(1);
        assertThat(STUB.jwksAuthorization).as("no key to another host than the API's").isEmpty();
        byte[] tampered = Arrays.copyOf(payload, payload.length);
        tampered[tampered.length - 2] = ' ';
        assertThat(post(receiver, falHeaders(SIGNER, generation, now, payload), tampered).statusCode()).isEqualTo(401);
        assertThat(store.find("hook-sealed").orElseThrow().getNextCheckAt()).isEqualTo(waiting.getNextCheckAt());
        assertThat(STUB.statusChecks(generation)).isZero();

        Map<String, String> genuine = falHeaders(SIGNER, generation, now, payload);
        HttpResponse<String> accepted = post(receiver, genuine, payload);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(FOLDERS.awaitManifest("hook-sealed", WAIT).path("state").asText()).isEqualTo("DELIVERED");
        assertThat(STUB.statusChecks(generation)).isEqualTo(1);
        assertThat(post(receiver, genuine, payload).statusCode()).as("replayed").isEqualTo(403);
        assertThat(STUB.jwksFetches.get()).isEqualTo(1);
    }

    @Test
    void anUnsignedProviderIsReachedOnlyThroughItsSecretPath() throws Exception {
        String generation = submit("hook-pathed", "pathed");
        String receiver = JSON.readTree(STUB.createBody(generation)).path("webhook").asText();
        String base = new PublicUrl(context).get() + "/webhooks/pathed";
        assertThat(receiver).isEqualTo(base + "/" + PATH_SECRET);
        STUB.finish(generation);
        Job waiting = store.find("hook-pathed").orElseThrow();
        byte[] payload = ("{\"id\": \"" + generation + "\"}").getBytes(StandardCharsets.UTF_8);

        assertThat(post(base + "/not-the-secret-0123456789", Map.of(), payload).statusCode()).isEqualTo(401);
        assertThat(post(base, Map.of(), payload).statusCode()).isEqualTo(404);
        assertThat(store.find("hook-pathed").orElseThrow().getNextCheckAt()).isEqualTo(waiting.getNextCheckAt());

        assertThat(post(receiver, Map.of(), payload).statusCode()).isEqualTo(202);
        assertThat(FOLDERS.awaitManifest("hook-pathed", WAIT).path("state").asText()).isEqualTo("DELIVERED");
    }

    @Test
    void aProviderWithoutWebhooksOrWithoutASecretPathHasNoReceiver() throws Exception {
        String root = new PublicUrl(context).get() + "/webhooks/";
        byte[] payload = "{}".getBytes(StandardCharsets.UTF_8);

        assertThat(post(root + "nobody", Map.of(), payload).statusCode()).isEqualTo(404);
        // a defined provider without webhooks (RenderNet documents none): no receiver
        assertThat(post(root + "rendernet", Map.of(), payload).statusCode()).isEqualTo(404);
        // a signed provider has no secret path
        assertThat(post(root + "signed/" + PATH_SECRET, Map.of(), payload).statusCode()).isEqualTo(404);
    }

    @Test
    void whileTheKeySetCannotBeFetchedADeliveryIsAnswered503AndChangesNothing() throws Exception {
        // nothing listens on port 9: the fetch fails, the delivery cannot be verified
        String generation = submit("hook-unkeyed", "unkeyed");
        STUB.finish(generation);
        Job waiting = store.find("hook-unkeyed").orElseThrow();
        byte[] payload = ("{\"id\": \"" + generation + "\"}").getBytes(StandardCharsets.UTF_8);
        String receiver = new PublicUrl(context).get() + "/webhooks/unkeyed";

        HttpResponse<String> unverifiable = post(receiver,
                falHeaders(SIGNER, generation, System.currentTimeMillis() / 1000, payload), payload);

        assertThat(unverifiable.statusCode()).as(unverifiable.body()).isEqualTo(503);
        assertThat(store.find("hook-unkeyed").orElseThrow().getNextCheckAt()).isEqualTo(waiting.getNextCheckAt());
        assertThat(STUB.statusChecks(generation)).isZero();
    }

    /** Drops a request and waits until the stub has created its generation; returns the generation id. */
    private String submit(String key, String provider) {
        FOLDERS.drop(key + ".json", "{\"id\": \"" + key + "\", \"provider\": \"" + provider
                + "\", \"prompt\": \"a lighthouse\"}");
        return await().atMost(WAIT).until(() -> store.find(key).map(Job::getProviderJobId).orElse(null),
                id -> id != null);
    }

    private HttpResponse<String> post(String url, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private double metric(String series) throws Exception {
        String page = http.send(HttpRequest.newBuilder(URI.create(new PublicUrl(context).get() + "/observe/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        return page.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }
}
