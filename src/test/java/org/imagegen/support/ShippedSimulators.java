package org.imagegen.support;

import java.util.List;

import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.BflSimulator;
import org.imagegen.simulator.FalSimulator;
import org.imagegen.simulator.ImageHostSimulator;
import org.imagegen.simulator.LeonardoSimulator;
import org.imagegen.simulator.OpenAiSimulator;
import org.imagegen.simulator.ProviderSimulator;
import org.imagegen.simulator.ReceivedCalls;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.simulator.ReplicateSimulator;
import org.junit.jupiter.api.BeforeEach;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a {@code @CamelMainTest} of the bundle with the simulators standing in for every shipped provider
 * (imagegen.simulate=true, as fast-bundle.properties sets it) works with: what every {@link BundleTest} has, and
 * each provider's simulator. The simulators are bound when the context starts, after the test's fields are injected,
 * so they are found before each test.
 */
public abstract class ShippedSimulators extends BundleTest {

    protected AllImagesSimulator allImages;
    protected RenderNetSimulator rendernet;
    protected BflSimulator bfl;
    protected FalSimulator fal;
    protected ReplicateSimulator replicate;
    protected LeonardoSimulator leonardo;
    protected OpenAiSimulator openai;

    @BeforeEach
    void findSimulators() {
        allImages = Simulated.simulator(context, "all-images", AllImagesSimulator.class);
        rendernet = Simulated.simulator(context, "rendernet", RenderNetSimulator.class);
        bfl = Simulated.simulator(context, "bfl", BflSimulator.class);
        fal = Simulated.simulator(context, "fal", FalSimulator.class);
        replicate = Simulated.simulator(context, "replicate", ReplicateSimulator.class);
        leonardo = Simulated.simulator(context, "leonardo", LeonardoSimulator.class);
        openai = Simulated.simulator(context, "openai", OpenAiSimulator.class);
    }

    /** No create of any of {@code jobKeys} reached {@code simulator}, and none has a manifest: each was rejected. */
    protected void assertNeverSent(ProviderSimulator simulator, String... jobKeys) {
        for (String key : jobKeys) {
            assertThat(simulator.received().creates(key)).as(key).isEmpty();
            assertThat(folders.manifestPath(key)).doesNotExist();
        }
    }

    /**
     * The provider's key went with every call {@code simulator} received on its API's host (127.0.0.1) and with none
     * on its image host ({@link ImageHostSimulator#IMAGE_HOST}); there were calls to both.
     */
    protected static void assertKeyOnlyToTheApi(ProviderSimulator simulator) {
        List<ReceivedCalls.Call> calls = simulator.received().calls();
        List<ReceivedCalls.Call> api = calls.stream().filter(c -> c.host().startsWith("127.0.0.1:")).toList();
        List<ReceivedCalls.Call> images = calls.stream()
                .filter(c -> c.host().startsWith(ImageHostSimulator.IMAGE_HOST + ":")).toList();
        assertThat(api).isNotEmpty().allSatisfy(c -> assertThat(c.keyed()).as(c.uri()).isTrue());
        assertThat(images).isNotEmpty().allSatisfy(c -> assertThat(c.keyed()).as(c.uri()).isFalse());
    }
}
