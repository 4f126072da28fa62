package org.imagegen.console;

import org.imagegen.support.Folders;
import org.imagegen.support.RunningBundle;

/**
 * A bundle a console test started with the console port on (the test JVM turns it off for every other bundle) and
 * {@link #PASSWORD} as the console's password; closing it closes the bundle and turns the port off again.
 */
record ConsoleBundle(RunningBundle bundle) implements AutoCloseable {

    /** The console's password (for its user "admin") in the bundles the console tests start. */
    static final String PASSWORD = "console-test-password";

    /** A bundle with {@link ConsoleTestSettings#with} and the password. */
    static ConsoleBundle start(Folders folders) throws Exception {
        return start(ConsoleTestSettings.with(folders, "imagegen.console.password=" + PASSWORD));
    }

    /** A bundle with the jobs page's settings ({@link ConsoleTestSettings#jobsPage}) and the password. */
    static ConsoleBundle startJobsPage(Folders folders) throws Exception {
        return start(ConsoleTestSettings.jobsPage(folders, PASSWORD));
    }

    private static ConsoleBundle start(String[] settings) throws Exception {
        ConsoleTestSettings.enableConsolePort(true);
        try {
            return new ConsoleBundle(RunningBundle.start(settings));
        } catch (Exception e) {
            ConsoleTestSettings.enableConsolePort(false);
            throw e;
        }
    }

    /** The port the console listens on (the tests start it on port 0: any free one). */
    int port() {
        return bundle.bean(ConsoleConfiguration.BEAN, ConsoleServer.class).port();
    }

    @Override
    public void close() throws Exception {
        try {
            bundle.close();
        } finally {
            ConsoleTestSettings.enableConsolePort(false);
        }
    }
}
