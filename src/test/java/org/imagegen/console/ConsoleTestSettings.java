package org.imagegen.console;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.imagegen.support.Folders;

/** Settings of a bundle started for the console tests: simulators, compressed timings, the console port on. */
final class ConsoleTestSettings {

    private ConsoleTestSettings() {
    }

    /**
     * The test JVM turns the console port off for every bundle (pom.xml, a system property, which Camel lets win
     * over a bundle's own settings); a console test turns it on for the bundles it starts, and back off at its end.
     */
    static void enableConsolePort(boolean enabled) {
        System.setProperty("imagegen.console.enabled", String.valueOf(enabled));
    }

    static String[] with(Folders folders, String... extra) {
        List<String> settings = new ArrayList<>(List.of("imagegen.console.port=0"));
        settings.addAll(Arrays.asList(extra));
        return folders.fastBundle(settings.toArray(String[]::new));
    }
}
