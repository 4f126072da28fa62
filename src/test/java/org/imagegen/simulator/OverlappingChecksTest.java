package org.imagegen.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulators' record of status checks of one generation that overlap in time (what ClusterIT asserts is empty). */
class OverlappingChecksTest {

    @Test
    void twoChecksOfOneGenerationAtOnceAreRecordedOneAfterTheOtherAreNot() throws Exception {
        // every status check answers after 300 ms, so two sent together are in flight together
        SimulatorSettings settings = new SimulatorSettings(0, Duration.ofSeconds(1), Duration.ofSeconds(1), 0, 0, 0,
                1.0, Duration.ofMillis(300), "key", 1L, 32);
        HttpClient client = HttpClient.newHttpClient();
        try (AllImagesSimulator simulator = (AllImagesSimulator) new AllImagesSimulator(settings).start()) {
            CompletableFuture<HttpResponse<String>> first = client.sendAsync(check(simulator, "together"),
                    HttpResponse.BodyHandlers.ofString());
            CompletableFuture<HttpResponse<String>> second = client.sendAsync(check(simulator, "together"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(first.get().statusCode()).isEqualTo(404);
            assertThat(second.get().statusCode()).isEqualTo(404);
            client.send(check(simulator, "apart"), HttpResponse.BodyHandlers.ofString());
            client.send(check(simulator, "apart"), HttpResponse.BodyHandlers.ofString());

            assertThat(simulator.overlappingChecks()).containsExactly("together");
        }
    }

    private static HttpRequest check(ProviderSimulator simulator, String generationId) {
        return HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/image-generations/" + generationId))
                .header("api-key", "key").GET().build();
    }
}
