package org.imagegen.delivery;

import java.util.List;

/** Sinks as the delivery tests configure them, in the settings an operator writes (config/application.properties). */
final class SinkSettings {

    /** The one user of the tests' SFTP servers and the password the sinks log in with. */
    static final String SFTP_USER = "imagegen";
    static final String SFTP_PASSWORD = "sftp-password";

    private SinkSettings() {
    }

    /** An HTTP callback sink {@code name} posting to {@code url}, signed with {@code secret}. */
    static List<String> http(String name, String url, String secret) {
        String p = "imagegen.sinks." + name + ".";
        return List.of(p + "type=http", p + "url=" + url, p + "secret=" + secret);
    }

    /**
     * An SFTP sink {@code name} on the test's server at 127.0.0.1:{@code port} ({@link #SFTP_USER}, its host key not
     * checked), writing under {@code path}.
     */
    static List<String> sftp(String name, int port, Object path) {
        String p = "imagegen.sinks." + name + ".";
        return List.of(p + "type=sftp", p + "host=127.0.0.1", p + "port=" + port, p + "user=" + SFTP_USER,
                p + "password=" + SFTP_PASSWORD, p + "path=" + path, p + "strict-host-key-checking=no");
    }
}
