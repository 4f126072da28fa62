package org.imagegen.delivery;

import java.util.Locale;

/** The kinds of destination a sink can be; each has its route, routes/sinks/&lt;type&gt;.camel.yaml. */
public enum SinkType {
    FILE, S3, SFTP, HTTP;

    public static SinkType of(String text, String key) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not a sink type; expected file, s3, sftp or http");
        }
    }

    /** The route that delivers to this kind of sink. */
    public String route() {
        return "direct:sink-" + name().toLowerCase(Locale.ROOT);
    }
}
