package org.imagegen.simulator;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * What a simulator received, in order: every call (method, path with its query, the host it was addressed to,
 * whether it carried a key) and every create's body by job key. For tests and people trying a pipeline, who ask
 * what the provider was sent: which fields, which URL exactly, and which calls carried the key; with
 * {@link #watchFor} also where a given secret went, in any header or URI. Queues, not copy-on-write lists: a benchmark
 * sends a simulator hundreds of thousands of calls.
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

    private final Queue<Call> calls = new ConcurrentLinkedQueue<>();
    private final Queue<Create> creates = new ConcurrentLinkedQueue<>();
    /** A secret to look for in every call (a test's distinctive key), and where it was seen. */
    private volatile String watched;
    private final Queue<String> carrying = new ConcurrentLinkedQueue<>();

    /**
     * From now on, notes every call that carries {@code secret} in a header or its URI (a test's distinctive API
     * key): {@link #carrying()} then says where the key went, the image hosts included.
     */
    public void watchFor(String secret) {
        watched = secret;
    }

    /** The calls that carried the watched secret, as "host method path (where)", oldest first. */
    public List<String> carrying() {
        return List.copyOf(carrying);
    }

    void call(HttpExchange exchange, String keyHeader) {
        noteSecret(exchange);
        String key = exchange.getRequestHeaders().getFirst(keyHeader);
        calls.add(new Call(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()),
                String.valueOf(exchange.getRequestHeaders().getFirst("Host")), key != null && !key.isBlank(),
                SimulatorSupport.jobKey(exchange), System.currentTimeMillis()));
    }

    void create(HttpExchange exchange, JsonNode body) {
        creates.add(new Create(SimulatorSupport.jobKey(exchange), body));
    }

    private void noteSecret(HttpExchange exchange) {
        String secret = watched;
        if (secret == null) {
            return;
        }
        String where = exchange.getRequestURI().toString().contains(secret) ? "uri"
                : exchange.getRequestHeaders().entrySet().stream().filter(h -> h.getValue().stream()
                        .anyMatch(v -> v.contains(secret))).map(Map.Entry::getKey).findFirst().orElse(null);
        if (where != null) {
            carrying.add(exchange.getRequestHeaders().getFirst("Host") + " " + exchange.getRequestMethod() + " "
                    + exchange.getRequestURI().getPath() + " (" + where + ")");
        }
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /**
     * The creates sent for a job key as calls (a POST carrying the key), refused ones included, oldest first: where
     * each went and when, for the tests that ask how often a create was sent again and how long after.
     */
    public List<Call> createCalls(String jobKey) {
        return calls.stream().filter(c -> c.method().equals("POST") && jobKey.equals(c.jobKey())).toList();
    }

    /** The creates received for a job key, refused ones included, oldest first. */
    public List<JsonNode> creates(String jobKey) {
        return creates.stream().filter(c -> jobKey.equals(c.jobKey())).map(Create::body).toList();
    }
}
