package org.imagegen.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP callback receiver as an operator would write one (JDK HttpServer on 127.0.0.1, a free port). It checks
 * each request's signature the way the README tells receivers to, and answers by path: /ok 200; /strict 401 when the
 * signature is wrong; /flaky 503 to the first two requests of each job, /stubborn to the first three; /down 503 while
 * {@link #down} is set.
 */
public final class CallbackReceiver implements AutoCloseable {

    /** One request as received. */
    public record Received(String path, String job, boolean signatureValid, int status, String body) {

        public int parts(String namePrefix) {
            return body.split("form-data; name=\"" + namePrefix, -1).length - 1;
        }

        /** The bytes of the part {@code name} (its content, between its headers and the next boundary). */
        public byte[] part(String name) {
            int headers = body.indexOf("form-data; name=\"" + name + "\"");
            if (headers < 0) {
                throw new IllegalArgumentException("no part " + name);
            }
            int start = body.indexOf("\r\n\r\n", headers) + 4;
            int end = body.indexOf("\r\n--", start);
            return body.substring(start, end).getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    public final List<Received> received = new CopyOnWriteArrayList<>();
    public volatile boolean down = true;
    private final Map<String, AtomicInteger> flaky = new ConcurrentHashMap<>();
    private final String secret;
    private final HttpServer server;

    public CallbackReceiver(String secret) throws IOException {
        this(secret, 0);
    }

    /** On {@code port} (0: any free one): a receiver brought back on the port a sink was configured with. */
    public CallbackReceiver(String secret, int port) throws IOException {
        this.secret = secret;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<Received> of(String path, String job) {
        return received.stream().filter(r -> r.path().equals(path) && job.equals(r.job())).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String timestamp = exchange.getRequestHeaders().getFirst("X-Imagegen-Timestamp");
        String signature = exchange.getRequestHeaders().getFirst("X-Imagegen-Signature");
        String job = exchange.getRequestHeaders().getFirst("X-Imagegen-Job");
        boolean valid = verify(timestamp, signature, body);
        String path = exchange.getRequestURI().getPath();
        int status = switch (path) {
            case "/strict" -> valid ? 200 : 401;
            case "/flaky" -> flaky.computeIfAbsent(job, j -> new AtomicInteger()).incrementAndGet() <= 2 ? 503 : 200;
            case "/stubborn" -> flaky.computeIfAbsent("stubborn:" + job, j -> new AtomicInteger()).incrementAndGet() <= 3
                    ? 503 : 200;
            case "/down" -> down ? 503 : 200;
            default -> 200;
        };
        received.add(new Received(path, job, valid, status, new String(body, StandardCharsets.ISO_8859_1)));
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** What a receiver does: recompute HMAC-SHA256(secret, timestamp + "." + body), compare in constant time. */
    private boolean verify(String timestamp, String signature, byte[] body) {
        if (timestamp == null || signature == null || !signature.startsWith("sha256=")) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            byte[] expected = mac.doFinal(body);
            byte[] given = HexFormat.of().parseHex(signature.substring("sha256=".length()));
            return MessageDigest.isEqual(expected, given);
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
