package org.imagegen.simulator;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.net.httpserver.HttpExchange;
import org.imagegen.support.ScriptedProvider;

/**
 * A test's own simulator for the definition property {@code simulator}: {@code POST /v1/generations} answers an id,
 * {@code GET /v1/generations/{id}} answers done with one image, served under the other loopback name (localhost) as
 * its image host. It remembers every instance started and the auth header of every call, so a test sees which
 * simulator a provider called and with which key.
 */
public final class TinySimulator extends ProviderSimulator {

    public static final String NAME = "tiny";
    private static final AtomicBoolean REGISTERED = new AtomicBoolean();
    private static final List<TinySimulator> STARTED = new CopyOnWriteArrayList<>();

    public final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final byte[] png = png();

    public TinySimulator(SimulatorSettings settings) {
        super(settings);
    }

    /** Makes the simulator known as {@value #NAME}, once per JVM. */
    public static void register() {
        if (REGISTERED.compareAndSet(false, true)) {
            Simulators.register(NAME, settings -> {
                TinySimulator simulator = new TinySimulator(settings);
                STARTED.add(simulator);
                return simulator;
            });
        }
    }

    /** Every instance the registry started, oldest first. */
    public static List<TinySimulator> started() {
        return List.copyOf(STARTED);
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public List<String> imageHosts() {
        return List.of("localhost");
    }

    @Override
    protected void handle(HttpExchange exchange, String method, String path) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (path.startsWith("/files/")) {
            send(exchange, 200, "image/png", png);
            return;
        }
        authorizations.add(String.valueOf(auth));
        if (method.equals("POST") && path.equals("/v1/generations")) {
            body(exchange);
            String id = newId("tiny_");
            countCreate(SimulatorSupport.jobKey(exchange));
            sendJson(exchange, 201, Map.of("id", id));
        } else if (method.equals("GET") && path.startsWith("/v1/generations/")) {
            String id = path.substring("/v1/generations/".length());
            sendJson(exchange, 200, Map.of("id", id, "status", "done",
                    "url", "http://localhost:" + port() + "/files/" + id + ".png"));
        } else {
            providerError(exchange, 404, "no such endpoint");
        }
    }

    @Override
    protected void providerError(HttpExchange exchange, int status, String message) throws IOException {
        sendJson(exchange, status, Map.of("error", message));
    }

    private static byte[] png() {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 3, 0x00ff00);
        return ScriptedProvider.png(image);
    }
}
