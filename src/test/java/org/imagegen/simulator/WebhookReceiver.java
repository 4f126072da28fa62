package org.imagegen.simulator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.sun.net.httpserver.HttpServer;

/** A receiver on 127.0.0.1 that keeps every POST it gets (headers lower-cased) and answers 200. */
final class WebhookReceiver implements AutoCloseable {

    record Received(String path, Map<String, String> headers, byte[] body) {
    }

    private final HttpServer server;
    private final Queue<Received> received = new ConcurrentLinkedQueue<>();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext("/", exchange -> {
            try (exchange) {
                Map<String, String> headers = new java.util.HashMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
                received.add(new Received(exchange.getRequestURI().getPath(), headers,
                        exchange.getRequestBody().readAllBytes()));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
