package org.imagegen.provider;

import java.util.List;
import java.util.stream.IntStream;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.simulator.ProviderSimulator;
import org.imagegen.support.BundleTest;
import org.imagegen.support.Folders;
import org.imagegen.support.Simulated;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bulk status end to end, as shipped: all-images.ai and RenderNet list their latest generations every sweep
 * interval, and the list answers their jobs' checks. With every job's own first check a minute away and generations
 * of 1.5 s (several sweeps between a create's answer and the end of its generation), each job is
 * delivered from the list alone - its generation was never asked for on its own - and a censored RenderNet generation
 * is still told from a failed one (the list sends the check on to its status endpoint, as a check of its own would).
 * With bulk status switched off for a provider, its jobs are checked on their own as before.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.FAST_BUNDLE, App.CONFIG}, properties = {
        "imagegen.test.folders=bulk-status",
        "imagegen.poll.sweep-interval=200ms",
        // no job of a provider with bulk status is checked on its own within the test
        "imagegen.poll.initial-delay=1m",
        "imagegen.poll.interval=1m",
        "imagegen.poll.queued-interval=1m",
        // but fal's are, every 200 ms: it has no bulk status
        "imagegen.providers.fal.poll.initial-delay=200ms",
        "imagegen.providers.fal.poll.interval=200ms",
        "imagegen.providers.fal.poll.queued-interval=200ms",
        "imagegen.console.enabled=false"
})
class BulkStatusTest extends BundleTest {

    private static final Folders FOLDERS = new Folders("bulk-status").clean();

    private static String requests(String provider, int count, String prompt) {
        return String.join("\n", IntStream.range(0, count).mapToObj(i -> "{\"id\": \"" + provider + "-bulk-" + i
                + "\", \"provider\": \"" + provider + "\", \"prompt\": \"" + prompt + "\"}").toList());
    }

    @Test
    void everyJobIsDeliveredFromItsProvidersListWithoutACheckOfItsOwn() {
        FOLDERS.drop("bulk.jsonl", requests("all-images", 8, "a harbour sim:ms=1500") + "\n"
                + requests("rendernet", 8, "a harbour sim:ms=1500"));

        for (String provider : List.of("all-images", "rendernet")) {
            for (int i = 0; i < 8; i++) {
                String id = provider + "-bulk-" + i;
                FOLDERS.awaitEnded(id, "DELIVERED", WAIT);
                ProviderSimulator simulator = Simulated.simulator(context, provider, ProviderSimulator.class);
                assertThat(simulator.statsFor(id).checks()).as(id + ": status checks of its own").isZero();
                assertThat(simulator.createsFor(id)).as(id + ": creates").isEqualTo(1);
            }
        }
        // at least one answered check per job (a job answered "running" before its end has more)
        String metrics = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                PrometheusMeterRegistry.class).scrape();
        for (String provider : List.of("all-images", "rendernet")) {
            assertThat(listedChecks(metrics, provider)).as(provider).isGreaterThanOrEqualTo(8);
        }
    }

    @Test
    void aCensoredGenerationSeenInTheListIsStillToldFromAFailedOne() {
        FOLDERS.drop("bulk-censored.json", "{\"id\": \"rendernet-bulk-censored\", \"provider\": \"rendernet\", "
                + "\"prompt\": \"a harbour sim:censor sim:ms=1500\"}");

        FOLDERS.awaitEnded("rendernet-bulk-censored", "CENSORED", WAIT);

        assertThat(Simulated.simulator(context, "rendernet", ProviderSimulator.class)
                .statsFor("rendernet-bulk-censored").checks()).isZero();
    }

    @Test
    void aProviderWithoutBulkStatusIsCheckedOnItsOwn() {
        FOLDERS.drop("bulk-fal.json", "{\"id\": \"fal-bulk\", \"provider\": \"fal\", \"prompt\": \"a harbour\"}");

        FOLDERS.awaitEnded("fal-bulk", "DELIVERED", WAIT);

        assertThat(Simulated.simulator(context, "fal", ProviderSimulator.class).statsFor("fal-bulk").checks())
                .isPositive();
    }

    private static double listedChecks(String metrics, String provider) {
        String series = "imagegen_status_checks_listed_total{provider=\"" + provider + "\"} ";
        return metrics.lines().filter(l -> l.startsWith(series)).mapToDouble(l -> Double.parseDouble(
                l.substring(series.length()).strip())).findFirst().orElse(-1);
    }
}
