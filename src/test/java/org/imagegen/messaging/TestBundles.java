package org.imagegen.messaging;

import java.util.ArrayList;
import java.util.List;

import org.imagegen.support.Folders;

/** Settings for a bundle under test: its folders, the simulators with compressed timings, plus the test's own. */
final class TestBundles {

    private TestBundles() {
    }

    static String[] settings(Folders folders, String... more) {
        List<String> settings = new ArrayList<>(List.of(folders.properties()));
        settings.addAll(List.of(
                "imagegen.simulate=true",
                "imagegen.simulator.duration-min=200ms",
                "imagegen.simulator.duration-max=400ms",
                "imagegen.poll.initial-delay=200ms",
                "imagegen.poll.interval=200ms",
                "imagegen.loop.tick-ms=50",
                "imagegen.events.poll-ms=50"));
        settings.addAll(List.of(more));
        return settings.toArray(String[]::new);
    }
}
