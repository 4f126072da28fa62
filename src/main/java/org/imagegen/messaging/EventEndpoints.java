package org.imagegen.messaging;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.imagegen.support.Settings;

/**
 * The endpoints job events are sent to (imagegen.events.endpoints; routes/publish-events.camel.yaml), as written,
 * except that a RabbitMQ one that names no queue declares none. Camel's spring-rabbitmq producer with
 * {@code autoDeclareProducer=true} declares the exchange and, when the URI names no {@code queues}, a server-named
 * queue ({@code spring.gen-*}) bound to it with the routing key: not auto-delete, nobody consumes it, and every start
 * adds one more that keeps every event after the bundle has stopped. A publisher needs no queue, so such a URI gets
 * {@code skipDeclareQueue=true&skipBindQueue=true} (Camel's own options): at most the exchange is declared. A URI that
 * names its queues, or sets either option itself, is left as the operator wrote it.
 */
public final class EventEndpoints {

    private static final String RABBITMQ = "spring-rabbitmq:";
    private static final String PUBLISH_ONLY = "skipDeclareQueue=true&skipBindQueue=true";

    private final List<String> uris;

    public EventEndpoints(String setting) {
        this.uris = Settings.list(setting).stream().map(EventEndpoints::publishOnly).toList();
    }

    /** The endpoint URIs, in the configured order (empty: no events). */
    public List<String> uris() {
        return uris;
    }

    static String publishOnly(String uri) {
        if (!uri.regionMatches(true, 0, RABBITMQ, 0, RABBITMQ.length())) {
            return uri;
        }
        int query = uri.indexOf('?');
        List<String> options = query < 0 ? List.of() : Arrays.stream(uri.substring(query + 1).split("&"))
                .map(o -> (o.contains("=") ? o.substring(0, o.indexOf('=')) : o).strip().toLowerCase(Locale.ROOT))
                .toList();
        if (options.contains("queues") || options.contains("skipdeclarequeue") || options.contains("skipbindqueue")) {
            return uri;
        }
        char last = uri.charAt(uri.length() - 1);
        return uri + (query < 0 ? "?" : last == '?' || last == '&' ? "" : "&") + PUBLISH_ONLY;
    }
}
