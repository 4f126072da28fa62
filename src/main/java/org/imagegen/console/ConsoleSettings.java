package org.imagegen.console;

import java.nio.file.Path;

/**
 * The console port's settings (imagegen.console.*).
 *
 * @param hawtioWar     the Hawtio war file served at /hawtio
 * @param workDirectory where Jetty unpacks the war
 */
public record ConsoleSettings(String bind, int port, Path hawtioWar, Path workDirectory,
                                 long sessionTimeoutSeconds) {
}
