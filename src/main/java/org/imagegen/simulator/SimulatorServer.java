package org.imagegen.simulator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulator's HTTP server on 127.0.0.1: the JDK's own (no extra dependency), a few worker threads that do not stay
 * idle, every call closed once handled unless its handler hands it over to be answered later, and a handler's failure
 * answered {@code 500}.
 */
final class SimulatorServer {

    static {
        // The JDK server writes headers and body separately; with Nagle's algorithm on, each answer then waits for
        // the client's delayed ACK (about 40 ms), capping a simulator at a few hundred answers per second.
        // Read once, when the JDK's server configuration loads: set it before the first server is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }
    private static final Logger LOG = LoggerFactory.getLogger(SimulatorServer.class);

    /** What answers a call. */
    @FunctionalInterface
    interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Set<HttpExchange> answeredLater = ConcurrentHashMap.newKeySet();

    /** Listens on {@code port} (0: any free one), its threads named {@code threadName}. */
    SimulatorServer(int port, String threadName, Handler handler) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 200);
        } catch (IOException e) {
            throw new IllegalStateException("simulator cannot listen on 127.0.0.1:" + port, e);
        }
        // no idle threads: every test context starts a simulator per simulated provider, and most sit idle
        ThreadPoolExecutor pool = new ThreadPoolExecutor(8, 8, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        executor = pool;
        server.setExecutor(executor);
        server.createContext("/", exchange -> dispatch(exchange, handler));
    }

    void start() {
        server.start();
    }

    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** {@code exchange} is answered later, from another thread, which must then close it. */
    void answerLater(HttpExchange exchange) {
        answeredLater.add(exchange);
    }

    private void dispatch(HttpExchange exchange, Handler handler) throws IOException {
        try {
            handler.handle(exchange);
        } catch (RuntimeException e) {
            LOG.warn("simulator failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            ProviderSimulator.send(exchange, 500, "text/plain", "simulator error".getBytes(StandardCharsets.UTF_8));
        } finally {
            if (!answeredLater.remove(exchange)) {
                exchange.close();
            }
        }
    }
}
