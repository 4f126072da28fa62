package org.imagegen.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts a simulator's webhooks (BFL's {@code webhook_url}, fal's {@code fal_webhook}, Replicate's {@code webhook})
 * when a generation finishes, with the headers its provider's {@link Signer} adds; a delivery not answered 2xx is
 * tried twice more (after 0.5 s and 1 s) with the same body, signed again for each attempt, as a provider that
 * retries does. Only loopback URLs are posted to: a simulator never calls out of the machine. Its timer keeps no idle
 * thread (every test context starts simulators).
 */
final class SimulatedWebhooks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedWebhooks.class);
    private static final long[] RETRY_DELAYS_MS = {500, 1000};

    /** The headers a provider adds to one attempt to deliver a body. */
    @FunctionalInterface
    interface Signer {
        Map<String, String> headers(byte[] body);
    }

    /** One attempt: where, the HTTP status it got (-1: no answer, 0: not sent, not a loopback URL), what was sent. */
    record Delivery(String url, int status, String body, Map<String, String> headers) {
    }

    private final ScheduledThreadPoolExecutor timer;
    private final Queue<Delivery> deliveries = new ConcurrentLinkedQueue<>();

    SimulatedWebhooks(String threadName) {
        timer = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        timer.setKeepAliveTime(5, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
    }

    /**
     * Posts, after {@code delayMs}, what {@code body} then gives (nothing when it gives null) to {@code url}, with the
     * headers {@code signer} makes for it.
     */
    void schedule(String url, long delayMs, Supplier<byte[]> body, Signer signer) {
        if (timer.isShutdown()) {
            return;
        }
        if (!isLoopback(url)) {
            LOG.info("simulated webhook not sent: {} is not a loopback address", hostOf(url));
            deliveries.add(new Delivery(url, 0, null, Map.of()));
            return;
        }
        timer.schedule(() -> {
            byte[] bytes = body.get();
            if (bytes != null) {
                attempt(url, bytes, signer, 0);
            }
        }, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    }

    private void attempt(String url, byte[] body, Signer signer, int retry) {
        Map<String, String> headers = signer.headers(body);
        int status = post(url, body, headers);
        deliveries.add(new Delivery(url, status, new String(body, StandardCharsets.UTF_8), headers));
        if ((status < 200 || status > 299) && retry < RETRY_DELAYS_MS.length && !timer.isShutdown()) {
            timer.schedule(() -> attempt(url, body, signer, retry + 1), RETRY_DELAYS_MS[retry], TimeUnit.MILLISECONDS);
        }
    }

    private static int post(String url, byte[] body, Map<String, String> headers) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(5000);
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/json");
            headers.forEach(connection::setRequestProperty);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
            int status = connection.getResponseCode();
            connection.disconnect();
            return status;
        } catch (IOException | IllegalArgumentException e) {
            LOG.info("simulated webhook to {} not delivered: {}", hostOf(url), e.toString());
            return -1;
        }
    }

    /** Every attempt so far, oldest first. */
    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    static boolean isLoopback(String url) {
        String host = hostOf(url);
        return host != null && (host.equals("localhost") || host.equals("[::1]") || host.equals("::1")
                || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"));
    }

    private static String hostOf(String url) {
        try {
            String host = URI.create(url).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
