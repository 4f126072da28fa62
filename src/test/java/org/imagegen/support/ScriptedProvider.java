package org.imagegen.support;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import javax.imageio.ImageIO;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A provider's API scripted by a test: an HTTP server on 127.0.0.1 (a free port) that keeps every call it received
 * and answers each as the subclass's {@link #answer} says. For the defined-provider tests, whose made-up APIs the
 * built-in simulators do not serve.
 */
public abstract class ScriptedProvider implements AutoCloseable {

    /**
     * One call received: {@code query} raw (null without one), {@code authorization} and {@code idempotencyKey} the
     * headers' values (null when absent), {@code body} as text.
     */
    public record Call(String method, String path, String query, String host, String authorization,
                       String idempotencyKey, String body) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> statusChecks = new ConcurrentHashMap<>();
    private final boolean threadPerCall;
    private HttpServer server;
    private ExecutorService threads;

    protected ScriptedProvider() {
        this(false);
    }

    /** {@code threadPerCall}: every call gets a thread of its own, so that a script may hold them all at once. */
    protected ScriptedProvider(boolean threadPerCall) {
        this.threadPerCall = threadPerCall;
    }

    /** Listens (once the subclass is built: its script may answer from now on). */
    protected void listen() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::dispatch);
        if (threadPerCall) {
            threads = Executors.newCachedThreadPool();
            server.setExecutor(threads);
        }
        server.start();
    }

    /** Answers one call (already kept in {@link #calls()}) and closes the exchange. */
    protected abstract void answer(HttpExchange exchange, Call call) throws IOException;

    /** Counts a status check of {@code generation} the script answers; returns its checks so far, this one included. */
    protected int checked(String generation) {
        return statusChecks.computeIfAbsent(generation, k -> new AtomicInteger()).incrementAndGet();
    }

    /** The status checks of {@code generation} the script counted ({@link #checked}). */
    public int statusChecks(String generation) {
        AtomicInteger n = statusChecks.get(generation);
        return n == null ? 0 : n.get();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
        if (threads != null) {
            threads.shutdownNow();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Every call received, oldest first. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(Predicate<Call> which) {
        return calls.stream().filter(which).toList();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Call call = new Call(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders().getFirst("Host"),
                exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("Idempotency-Key"), body);
        calls.add(call);
        answer(exchange, call);
    }

    /** Answers {@code body} as JSON. */
    public static void json(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers {@code body} as a PNG image. */
    public static void png(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "image/png");
        send(exchange, 200, body);
    }

    public static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** The image's PNG bytes. */
    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
