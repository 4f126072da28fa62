package org.imagegen.provider;

import java.awt.image.BufferedImage;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.job.JobState;
import org.imagegen.job.OperatorActions;
import org.imagegen.support.Folders;
import org.imagegen.support.ShippedSimulators;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * all-images.ai images bought ({@code images=buy}, {@code buy-size=upscale}) through the real routes and config:
 * one credit per image, once; out of credits the delivery fails at once with the reason, and the operator's retry
 * after adding credits delivers without paying again for what was bought. Also the shipped defaults this bundle keeps:
 * no plain provider retry of a failed generation, and RenderNet's simulated image host refused when only the shipped
 * download-hosts are allowed.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.FAST_BUNDLE, App.CONFIG}, properties = {
        "imagegen.test.folders=purchase",
        "imagegen.simulator.image-size=64",
        "imagegen.poll.max-backoff=1s",
        "imagegen.providers.all-images.images=buy",
        "imagegen.providers.all-images.buy-size=upscale",
        // the simulator's image host is not added: RenderNet keeps the shipped download-hosts only
        "imagegen.simulator.allow-image-hosts=false"
})
class AllImagesPurchaseTest extends ShippedSimulators {

    @BeanInject("operatorActions")
    OperatorActions jobs;

    @Test
    void boughtImagesCostOneCreditEachOnceAndA402IsClearedByARetryOfTheDelivery() throws Exception {
        allImages.setCredits(6);
        folders.drop("buy-1.json", "{\"id\": \"buy-1\", \"prompt\": \"a lighthouse\"}");

        JsonNode manifest = folders.awaitEnded("buy-1", "DELIVERED", WAIT);

        assertThat(manifest.path("images")).hasSize(4);
        for (JsonNode image : manifest.path("images")) {
            assertThat(image.path("acquired").asText()).isEqualTo("buy:upscale");
            assertThat(image.path("sourceUrl").asText()).contains("/v1/images/full/");
            BufferedImage bought = ImageIO.read(folders.outbox.resolve("buy-1").resolve(image.path("file").asText()).toFile());
            assertThat(bought.getWidth()).isEqualTo(128); // the upscale: twice the 64 px display image
        }
        assertThat(allImages.creditsDebited()).isEqualTo(4);
        assertThat(allImages.credits()).isEqualTo(2);
        // the job's cost is what the paid route debits: one credit per image bought
        assertThat(manifest.path("cost").path("amount").asDouble()).isEqualTo(4.0);
        assertThat(manifest.path("cost").path("unit").asText()).isEqualTo("credits");
        assertThat(manifest.path("cost").path("source").asText()).isEqualTo("reported");

        // two credits left for four images: two are bought, the third answers 402
        folders.drop("buy-2.json", "{\"id\": \"buy-2\", \"prompt\": \"a harbour\"}");
        JsonNode failed = folders.awaitEnded("buy-2", "DELIVERY_FAILED", WAIT);

        assertThat(failed.path("reason").asText()).contains("402 (no credits left) for image 3")
                .contains("add credits, then retry the delivery");
        assertThat(failed.path("reason").asText()).contains("delivery failed 1 times"); // not tried again on its own
        assertThat(allImages.creditsDebited()).isEqualTo(6);

        allImages.setCredits(10);
        // a terminal state's manifest is written just before its row: the retry needs the row
        await().atMost(WAIT).until(() -> store.find("buy-2").orElseThrow().getState() == JobState.DELIVERY_FAILED);
        assertThat(jobs.retryDelivery("buy-2")).isTrue();
        await().atMost(WAIT).until(() -> store.find("buy-2").orElseThrow().getState() == JobState.DELIVERED);
        JsonNode delivered = Folders.readJson(folders.manifestPath("buy-2"));
        assertThat(delivered.path("images")).hasSize(4);
        // images 1 and 2 were bought before the 402: bought again, not paid again
        assertThat(allImages.creditsDebited()).isEqualTo(8);
        assertThat(allImages.credits()).isEqualTo(8);
        assertThat(allImages.createsFor("buy-2")).isEqualTo(1);
    }

    @Test
    void aGenerationTheProviderFailsIsNotRetriedAsItIsByDefault() {
        folders.drop("refused.json", "{\"id\": \"refused\", \"prompt\": \"not accepted sim:fail\"}");

        JsonNode manifest = folders.awaitEnded("refused", "FAILED", WAIT);

        assertThat(manifest.path("reason").asText()).contains("status 4");
        assertThat(manifest.path("providerRetries").asInt()).isZero();
    }

    @Test
    void renderNetImagesFromAHostTheDownloadHostsDoNotListAreRefused() {
        folders.drop("rn.json", "{\"id\": \"rn-unlisted\", \"provider\": \"rendernet\", \"prompt\": \"a dune\"}");

        JsonNode manifest = folders.awaitEnded("rn-unlisted", "DELIVERY_FAILED", WAIT);

        assertThat(manifest.path("reason").asText()).contains("host localhost is not an allowed download host")
                .contains("redernet-image-data.s3.amazonaws.com");
        assertThat(rendernet.statsFor("rn-unlisted").downloads()).isZero();
    }

}
