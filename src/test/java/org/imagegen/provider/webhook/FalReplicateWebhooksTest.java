package org.imagegen.provider.webhook;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.job.Job;
import org.imagegen.support.Folders;
import org.imagegen.support.PublicUrl;
import org.imagegen.support.ShippedSimulators;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks of fal.ai and Replicate end to end with their simulators, through the definitions as shipped: each
 * provider's checks are ten minutes apart, so a job is only delivered in time when the provider's signed webhook,
 * verified by the bundle (Replicate: Standard Webhooks, the secret fetched from the provider; fal: Ed25519 against the
 * simulator's own key set), brings its check forward.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.FAST_BUNDLE, App.CONFIG}, properties = {
        "imagegen.test.folders=fal-replicate-webhooks",
        "imagegen.providers.replicate.webhooks=true",
        "imagegen.providers.replicate.poll.initial-delay=10m",
        "imagegen.providers.replicate.poll.interval=10m",
        "imagegen.providers.replicate.poll.queued-interval=10m",
        "imagegen.providers.fal.webhooks=true",
        "imagegen.providers.fal.poll.initial-delay=10m",
        "imagegen.providers.fal.poll.interval=10m",
        "imagegen.providers.fal.poll.queued-interval=10m",
        "imagegen.api.port=0",
        "imagegen.console.enabled=false"
})
class FalReplicateWebhooksTest extends ShippedSimulators {

    private static final Folders FOLDERS = new Folders("fal-replicate-webhooks").clean();

    // the generations take 1.5 s so that the job is recorded as created well before the provider's webhook comes
    @Test
    void replicatesSignedWebhookDeliversTheJobBeforeItsNextCheck() {
        FOLDERS.drop("rep-hook.json", "{\"id\": \"rep-hook\", \"provider\": \"replicate\", \"prompt\": \"a wren sim:ms=1500\"}");

        FOLDERS.awaitEnded("rep-hook", "DELIVERED", WAIT);

        JsonNode body = replicate.received().creates("rep-hook").get(0);
        assertThat(body.path("webhook").asText()).isEqualTo(new PublicUrl(context).get() + "/webhooks/replicate");
        assertThat(body.path("webhook_events_filter").toString()).isEqualTo("[\"completed\"]");
        // one check, the one the webhook brought forward: the scheduled one is ten minutes away
        assertThat(replicate.statsFor("rep-hook").checks()).isEqualTo(1);
        assertThat(replicate.createsFor("rep-hook")).isEqualTo(1);
    }

    @Test
    void aForgedReplicateDeliveryIsRefusedAndChangesNothing() throws Exception {
        FOLDERS.drop("rep-forged.json", "{\"id\": \"rep-forged\", \"provider\": \"replicate\", \"prompt\": \"a wren sim:never\"}");
        Job waiting = await().atMost(WAIT).until(() -> store.find("rep-forged").orElse(null),
                j -> j != null && j.getProviderJobId() != null);
        byte[] payload = ("{\"id\": \"" + waiting.getProviderJobId() + "\", \"status\": \"succeeded\"}")
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(new PublicUrl(context).get() + "/webhooks/replicate"))
                .header("Content-Type", "application/json").header("webhook-id", "msg_forged")
                .header("webhook-timestamp", String.valueOf(System.currentTimeMillis() / 1000))
                .header("webhook-signature", "v1,bm90IHRoZSBzaWduYXR1cmU=")
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
        assertThat(store.find("rep-forged").orElseThrow().getNextCheckAt()).isEqualTo(waiting.getNextCheckAt());
        assertThat(replicate.statsFor("rep-forged").checks()).isZero();
    }

    @Test
    void falsEd25519WebhookVerifiedWithTheSimulatorsKeySetDeliversTheJobBeforeItsNextCheck() {
        FOLDERS.drop("fal-hook.json", "{\"id\": \"fal-hook\", \"provider\": \"fal\", \"prompt\": \"a finch sim:ms=1500\"}");

        FOLDERS.awaitEnded("fal-hook", "DELIVERED", WAIT);

        String create = fal.received().createCalls("fal-hook").get(0).uri();
        assertThat(create).startsWith("/fal-ai/flux/dev?fal_webhook=");
        assertThat(URLDecoder.decode(create.substring(create.indexOf('=') + 1), StandardCharsets.UTF_8))
                .isEqualTo(new PublicUrl(context).get() + "/webhooks/fal");
        assertThat(fal.statsFor("fal-hook").checks()).isEqualTo(1);
        assertThat(fal.createsFor("fal-hook")).isEqualTo(1);
    }
}
