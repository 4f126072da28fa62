package org.imagegen.delivery;

import java.util.List;

/** Sinks as the delivery tests configure them, in the settings an operator writes (config/application.properties). */
final class SinkSettings {

    private SinkSettings() {
    }

    /** An HTTP callback sink {@code name} posting to {@code url}, signed with {@code secret}. */
    static List<String> http(String name, String url, String secret) {
        String p = "imagegen.sinks." + name + ".";
        return List.of(p + "type=http", p + "url=" + url, p + "secret=" + secret);
    }

    /**
     * An SFTP sink {@code name} on the test's server at 127.0.0.1:{@code port} (user imagegen, its host key not
     * checked), writing under {@code path}.
     */
    static List<String> sftp(String name, int port, String password, Object path) {
        String p = "imagegen.sinks." + name + ".";
        return List.of(p + "type=sftp", p + "host=127.0.0.1", p + "port=" + port, p + "user=imagegen",
                p + "password=" + password, p + "path=" + path, p + "strict-host-key-checking=no");
    }
}
