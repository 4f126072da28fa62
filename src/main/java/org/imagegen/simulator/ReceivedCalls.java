package org.imagegen.simulator;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * What a simulator received, in order: every call (method, path with its query, the host it was addressed to,
 * whether it carried a key) and every create's body by job key. For tests and people trying a pipeline, who ask
 * what the provider was sent: which fields, which URL exactly, and which calls carried the key.
 */
public final class ReceivedCalls {

    /**
     * One call: {@code uri} is the path and query as sent; {@code keyed}: it carried the provider's key header;
     * {@code jobKey}: its Idempotency-Key (creates carry the job's key), or null; {@code at}: when it arrived.
     */
    public record Call(String method, String uri, String host, boolean keyed, String jobKey, long at) {
    }

    /** One create: the job key it carried (Idempotency-Key) and its JSON body (null when it was no JSON). */
    public record Create(String jobKey, JsonNode body) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Create> creates = new CopyOnWriteArrayList<>();

    void call(HttpExchange exchange, String keyHeader) {
        String key = exchange.getRequestHeaders().getFirst(keyHeader);
        calls.add(new Call(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()),
                String.valueOf(exchange.getRequestHeaders().getFirst("Host")), key != null && !key.isBlank(),
                exchange.getRequestHeaders().getFirst("Idempotency-Key"), System.currentTimeMillis()));
    }

    void create(HttpExchange exchange, JsonNode body) {
        creates.add(new Create(exchange.getRequestHeaders().getFirst("Idempotency-Key"), body));
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The creates received for a job key, refused ones included, oldest first. */
    public List<JsonNode> creates(String jobKey) {
        return creates.stream().filter(c -> jobKey.equals(c.jobKey())).map(Create::body).toList();
    }
}
