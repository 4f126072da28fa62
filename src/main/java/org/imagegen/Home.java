package org.imagegen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The bundle's home: the folder holding {@code config/application.properties} and {@code routes/}, against which the
 * settings file, the routes and the default inbox, outbox and data folders are found, whatever the working directory.
 * Taken from {@code -Dimagegen.home}, else the environment variable {@code IMAGEGEN_HOME}, else the folder of the
 * bundle's jar or its parent, whichever holds {@code config/} (the checkout for {@code target/imagegen-bundle.jar}, the
 * unpacked distribution for {@code lib/imagegen-bundle-<version>.jar}), else the working directory.
 *
 * @param dir    the home, absolute
 * @param source where it came from, for the one line printed when something is missing
 */
public record Home(Path dir, String source) {

    public static final String PROPERTY = "imagegen.home";
    public static final String ENV = "IMAGEGEN_HOME";
    static final String CONFIG = "config/application.properties";
    static final String ROUTES = "routes";

    /**
     * @param property     the value of -Dimagegen.home, or null
     * @param env          the value of IMAGEGEN_HOME, or null
     * @param code         where the bundle's classes were loaded from (its jar, or target/classes), or null
     * @param workingDir   the working directory
     */
    public static Home find(String property, String env, Path code, Path workingDir) {
        if (property != null && !property.isBlank()) {
            return new Home(workingDir.resolve(property.strip()).toAbsolutePath().normalize(), "-D" + PROPERTY);
        }
        if (env != null && !env.isBlank()) {
            return new Home(workingDir.resolve(env.strip()).toAbsolutePath().normalize(), ENV);
        }
        if (code != null) {
            Path folder = workingDir.resolve(code).toAbsolutePath().normalize().getParent();
            for (Path candidate : new Path[] {folder, folder == null ? null : folder.getParent()}) {
                if (candidate != null && Files.isRegularFile(candidate.resolve(CONFIG))) {
                    return new Home(candidate, "the location of " + code.getFileName());
                }
            }
        }
        return new Home(workingDir.toAbsolutePath().normalize(), "the working directory");
    }

    public Path config() {
        return dir.resolve(CONFIG);
    }

    public Path routes() {
        return dir.resolve(ROUTES);
    }

    /** What the bundle cannot start without, in one line that says how to start it; empty when nothing is missing. */
    public Optional<String> missing() {
        String what;
        if (!Files.isRegularFile(config())) {
            what = "no " + CONFIG;
        } else if (!Files.isDirectory(routes())) {
            what = "no " + ROUTES + "/ folder";
        } else {
            return Optional.empty();
        }
        return Optional.of("imagegen-bundle: " + what + " in " + dir + " (the home, from " + source + "); set "
                + ENV + " or -D" + PROPERTY + " to the folder that holds config/ and routes/");
    }
}
