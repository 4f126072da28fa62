package org.imagegen.simulator;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.imagegen.support.Durations;

/**
 * The built-in simulators a provider definition may name (its property {@code simulator}), by name: what stands in
 * for the provider offline when {@code imagegen.simulate} says so (docs/adding-a-provider.md).
 */
public final class Simulators {

    /**
     * name -> a simulator, not yet started, with these settings. The built-in ones of the provider definitions in
     * routes/providers/ belong here, one entry each ({@code Map.entry("<name>", <Name>Simulator::new)}).
     */
    private static final Map<String, Function<SimulatorSettings, ProviderSimulator>> FACTORIES =
            new ConcurrentHashMap<>(Map.ofEntries(
                    Map.entry("all-images", AllImagesSimulator::new),
                    Map.entry("bfl", BflSimulator::new),
                    Map.entry("fal", FalSimulator::new),
                    Map.entry("leonardo", LeonardoSimulator::new),
                    Map.entry("openai", OpenAiSimulator::new),
                    Map.entry("rendernet", RenderNetSimulator::new),
                    Map.entry("replicate", ReplicateSimulator::new)));

    private Simulators() {
    }

    /** Starts the simulator named {@code name}; an unknown name is refused, naming the known ones. */
    public static ProviderSimulator start(String name, SimulatorSettings settings) {
        Function<SimulatorSettings, ProviderSimulator> factory = FACTORIES.get(name == null ? "" : name.strip());
        if (factory == null) {
            throw new IllegalArgumentException(unknown(name));
        }
        return factory.apply(settings).start();
    }

    /** Whether a simulator of that name is built in (or registered). */
    public static boolean exists(String name) {
        return name != null && FACTORIES.containsKey(name.strip());
    }

    /** Why {@code name} names no simulator: the message of a start error. */
    public static String unknown(String name) {
        return "'" + name + "' is not a built-in simulator; known: " + names();
    }

    public static Set<String> names() {
        return new TreeSet<>(FACTORIES.keySet());
    }

    /**
     * Makes a simulator known by name, before the context that uses it starts (a test's own simulator, a simulator
     * shipped beside the bundle). A name already taken is refused.
     */
    public static void register(String name, Function<SimulatorSettings, ProviderSimulator> factory) {
        if (FACTORIES.putIfAbsent(name, factory) != null) {
            throw new IllegalArgumentException("a simulator named '" + name + "' is already known");
        }
    }

    /**
     * The settings of the simulator that stands in for {@code provider}, from {@code imagegen.simulator.*}
     * ({@code setting}: a setting's value if set): durations, fault rates and image size shared by all simulators,
     * the port from {@code imagegen.simulator.<provider>.port} (0, any free port, when not set). Any key accepted.
     */
    public static SimulatorSettings settings(Function<String, Optional<String>> setting, String provider) {
        String p = "imagegen.simulator.";
        Function<String, String> required = key -> setting.apply(p + key).map(String::strip)
                .orElseThrow(() -> new IllegalStateException("missing setting " + p + key));
        String port = setting.apply(p + provider + ".port").map(String::strip).filter(v -> !v.isEmpty()).orElse("0");
        try {
            return new SimulatorSettings(Integer.parseInt(port),
                    Duration.ofMillis(Durations.millis(required.apply("duration-min"))),
                    Duration.ofMillis(Durations.millis(required.apply("duration-max"))),
                    Double.parseDouble(required.apply("failure-rate")), Double.parseDouble(required.apply("censor-rate")),
                    Double.parseDouble(required.apply("transient-error-rate")),
                    Double.parseDouble(required.apply("slow-rate")),
                    Duration.ofMillis(Durations.millis(required.apply("slow-delay"))), "", System.nanoTime(),
                    Integer.parseInt(required.apply("image-size")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("imagegen.simulator.* for " + provider + ": " + e.getMessage(), e);
        }
    }
}
