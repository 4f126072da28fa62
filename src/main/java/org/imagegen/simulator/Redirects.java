package org.imagegen.simulator;

import java.io.IOException;
import java.net.URI;

import com.sun.net.httpserver.HttpExchange;

import static org.imagegen.simulator.ProviderSimulator.sendText;

/**
 * Redirects a simulator serves before an image ({@code sim:redirects=N}, {@code sim:redirect-loop},
 * {@code sim:redirect-foreign}): {@code /redirect/{n|loop}/{host}/{path}} on the simulator's own port.
 */
final class Redirects {

    private Redirects() {
    }

    /** {@code url} (on the simulator at {@code port}) as the scenario wants it served: behind redirects, else as it is. */
    static String redirected(String url, Scenario scenario, int port) {
        if (scenario.redirects() == null) {
            return url;
        }
        URI uri = URI.create(url);
        String host = scenario.redirectForeign() ? "localhost" : uri.getHost();
        return "http://" + uri.getHost() + ":" + port + "/redirect/" + scenario.redirects() + "/" + host + uri.getRawPath();
    }

    /** /redirect/{n|loop}/{host}/{path}: 302 to the same with n-1 (or itself), at 0 to http://{host}:{port}/{path}. */
    static void serve(HttpExchange exchange, String path, int port) throws IOException {
        String[] parts = path.split("/", 5); // "", "redirect", n, host, rest
        if (parts.length < 5) {
            sendText(exchange, 404, "Not Found");
            return;
        }
        String location;
        if (parts[2].equals("loop")) {
            location = path;
        } else {
            int n = Integer.parseInt(parts[2]) - 1;
            location = n > 0 ? "/redirect/" + n + "/" + parts[3] + "/" + parts[4]
                    : "http://" + parts[3] + ":" + port + "/" + parts[4];
        }
        exchange.getResponseHeaders().set("Location", location);
        sendText(exchange, 302, "Found");
    }
}
