package org.imagegen.simulator;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * Small pieces the simulators share: a create's JSON body; and for the Black Forest Labs, Leonardo and fal simulators
 * key headers, image hosts, image sizes.
 */
final class SimulatorSupport {

    private SimulatorSupport() {
    }

    /**
     * The request carries {@code header} as {@code prefix + key} with a non-blank key, equal to {@code expected}
     * when the simulator was given one (blank: any key, as the bundle sends "simulated" to simulators).
     */
    static boolean carriesKey(HttpExchange exchange, String header, String prefix, String expected) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value == null || !value.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        String key = value.substring(prefix.length()).trim();
        return !key.isEmpty() && (expected == null || expected.isBlank() || expected.equals(key));
    }

    /**
     * The request's body read as JSON; null when it is not JSON, after {@code invalid} answered it in the provider's
     * own format (an empty body reads as a missing node, not null).
     */
    static JsonNode jsonBody(HttpExchange exchange, ProviderSimulator.Answer invalid) throws IOException {
        try {
            return ProviderSimulator.JSON.readTree(ProviderSimulator.body(exchange));
        } catch (IOException e) {
            invalid.send(exchange);
            return null;
        }
    }

    /** The job key a call carries: its Idempotency-Key header, which the bundle sends and the real APIs ignore. */
    static String jobKey(HttpExchange exchange) {
        return exchange.getRequestHeaders().getFirst("Idempotency-Key");
    }

    /** Whether the request was addressed to {@code host} (its Host header, with or without a port). */
    static boolean addressedTo(HttpExchange exchange, String host) {
        String sent = String.valueOf(exchange.getRequestHeaders().getFirst("Host"));
        return sent.equals(host) || sent.startsWith(host + ":");
    }

    /**
     * The first of a create's width and height that is given but is not a whole multiple of {@code step} from
     * {@code min} to {@code max}, or null when neither is (a side left out takes the provider's default).
     */
    static String sideOutOfRange(JsonNode body, int min, int max, int step) {
        for (String side : List.of("width", "height")) {
            JsonNode value = body.get(side);
            if (value != null && !value.isNull() && (!value.canConvertToInt() || value.asInt() < min
                    || value.asInt() > max || value.asInt() % step != 0)) {
                return side;
            }
        }
        return null;
    }

    /**
     * The pixel size the simulator draws for a requested width and height: the configured image size on the longer
     * side, the requested aspect kept (a simulated 1440x1024 image need not cost 1440x1024 pixels of drawing).
     */
    static int[] drawnSize(int width, int height, int size) {
        if (width <= 0 || height <= 0) {
            return new int[] {size, size};
        }
        if (width >= height) {
            return new int[] {size, Math.max(1, Math.round(size * (float) height / width))};
        }
        return new int[] {Math.max(1, Math.round(size * (float) width / height)), size};
    }

    /** A black image: what a safety checker delivers in place of a flagged one. */
    static byte[] black(int width, int height, String format) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, format.equals("jpg") ? "jpeg" : format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A URL-safe signature of {@code text} with {@code secret}, as signed delivery URLs carry. */
    static String signature(String secret, String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(secret.getBytes(StandardCharsets.UTF_8));
            byte[] hash = digest.digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The query parameters of a call, decoded. */
    static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }
}
