package org.imagegen.console;

import java.nio.file.Path;

/**
 * The management port's settings (imagegen.management.*).
 *
 * @param hawtioWar     the Hawtio war file served at /hawtio
 * @param workDirectory where Jetty unpacks the war
 */
public record ManagementSettings(String bind, int port, Path hawtioWar, Path workDirectory,
                                 long sessionTimeoutSeconds) {
}
