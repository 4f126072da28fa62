package org.imagegen.support;

import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.simulator.BflSimulator;
import org.imagegen.simulator.FalSimulator;
import org.imagegen.simulator.LeonardoSimulator;
import org.imagegen.simulator.OpenAiSimulator;
import org.imagegen.simulator.RenderNetSimulator;
import org.imagegen.simulator.ReplicateSimulator;
import org.junit.jupiter.api.BeforeEach;

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
}
