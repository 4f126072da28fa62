package org.imagegen;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;

import org.apache.camel.main.Main;

/**
 * Starts the bundle: Camel Main with properties from {@code <home>/config/} and YAML routes from {@code <home>/routes/},
 * the home found by {@link Home} whatever the working directory.
 */
public final class App {

    /** The settings file of the checkout, for tests that start the bundle from it (their working directory). */
    public static final String CONFIG = "file:" + Home.CONFIG;
    /** Exit status when the home lacks config/ or routes/. */
    static final int MISSING_HOME = 2;

    private App() {
    }

    public static void main(String[] args) throws Exception {
        Home home = Home.find(System.getProperty(Home.PROPERTY), System.getenv(Home.ENV), code(), Path.of(""));
        Optional<String> missing = home.missing();
        if (missing.isPresent()) {
            // one line that says what to do, not a stack trace from the first file Camel cannot open
            System.err.println(missing.get());
            System.exit(MISSING_HOME);
        }
        // the settings file names its routes and default folders as {{imagegen.home}}/...; a system property
        // overrides the file's fallback and is seen by every placeholder
        System.setProperty(Home.PROPERTY, home.dir().toString());
        Main main = new Main(App.class);
        main.setDefaultPropertyPlaceholderLocation("file:" + home.config());
        main.run(args);
    }

    /** The jar (or classes folder) this class was loaded from; null when the JVM does not say. */
    private static Path code() {
        try {
            var source = App.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
