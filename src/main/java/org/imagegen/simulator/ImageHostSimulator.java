package org.imagegen.simulator;

import java.io.IOException;
import java.util.List;

import com.sun.net.httpserver.HttpExchange;

/**
 * A simulator whose API answers on 127.0.0.1 and whose images are served under another host name
 * ({@link #IMAGE_HOST}), as the real services serve them from a CDN or a storage bucket's host: downloads pass the
 * download-hosts check only by its listing, and an image URL rewritten to the API's host finds nothing.
 */
public abstract class ImageHostSimulator extends ProviderSimulator {

    /** The image host: another host name than the API's (127.0.0.1). */
    public static final String IMAGE_HOST = "localhost";

    protected ImageHostSimulator(SimulatorSettings settings) {
        super(settings);
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public List<String> imageHosts() {
        return List.of(IMAGE_HOST);
    }

    /**
     * Whether an image call came to the image host; one that came to the API's host is answered 404 in the provider's
     * error format, as an image URL rewritten to the API's host finds nothing there.
     */
    protected boolean onImageHost(HttpExchange exchange) throws IOException {
        if (SimulatorSupport.addressedTo(exchange, IMAGE_HOST)) {
            return true;
        }
        providerError(exchange, 404, "Not Found");
        return false;
    }
}
