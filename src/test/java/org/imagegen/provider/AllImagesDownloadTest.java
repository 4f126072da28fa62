package org.imagegen.provider;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.support.Folders;
import org.imagegen.support.ShippedSimulators;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * all-images.ai images downloaded through the paid route ({@code images=download}: {@code POST /v1/images/download}
 * answers the bytes), through the real routes and config: one credit per image, and a 402 fails the delivery at
 * once with the reason.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.FAST_BUNDLE, App.CONFIG}, properties = {
        "imagegen.test.folders=paid-download",
        "imagegen.providers.all-images.images=download",
        "imagegen.simulator.all-images.credits=5"
})
class AllImagesDownloadTest extends ShippedSimulators {

    @Test
    void imagesComeFromThePaidDownloadUntilTheCreditsRunOut() {
        folders.drop("first.json", "{\"id\": \"paid-1\", \"prompt\": \"a meadow\"}");
        JsonNode manifest = folders.awaitEnded("paid-1", "DELIVERED", WAIT);

        assertThat(manifest.path("images")).hasSize(4);
        assertThat(manifest.path("images").findValuesAsText("acquired")).containsOnly("download");
        assertThat(allImages.creditsDebited()).isEqualTo(4);

        folders.drop("second.json", "{\"id\": \"paid-2\", \"prompt\": \"a forest\"}");
        JsonNode failed = folders.awaitEnded("paid-2", "DELIVERY_FAILED", WAIT);

        assertThat(failed.path("reason").asText()).contains("402 (no credits left) for image 2")
                .contains("images=download").contains("delivery failed 1 times");
        assertThat(allImages.creditsDebited()).isEqualTo(5);
    }
}
