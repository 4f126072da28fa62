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

    /**
     * What the jobs page's tests add: a route over providers ("fast"), all-images' images bought (so jobs have the
     * cost all-images charges, 1 credit an image, and spend sums), and a daily budget for it (the budgets strip) with
     * the price a create is reserved at until its cost is known.
     */
    static final String[] JOBS_PAGE = {"imagegen.routes.fast=all-images, rendernet",
        "imagegen.providers.all-images.images=buy", "imagegen.providers.all-images.price=0.5",
        "imagegen.providers.all-images.price-unit=credits", "imagegen.providers.all-images.price-per=generation",
        "imagegen.budgets.all-images.per-day=100"};

    /** {@link #with(Folders, String...)} with the console password and {@link #JOBS_PAGE}. */
    static String[] jobsPage(Folders folders, String password) {
        List<String> settings = new ArrayList<>(List.of("imagegen.console.password=" + password));
        settings.addAll(Arrays.asList(JOBS_PAGE));
        return with(folders, settings.toArray(String[]::new));
    }

    static String[] with(Folders folders, String... extra) {
        List<String> settings = new ArrayList<>(List.of("imagegen.console.port=0"));
        settings.addAll(Arrays.asList(extra));
        return folders.fastBundle(settings.toArray(String[]::new));
    }
}
