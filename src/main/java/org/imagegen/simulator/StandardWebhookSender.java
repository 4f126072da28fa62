package org.imagegen.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts webhooks signed as the Standard Webhooks specification says (what Replicate sends): headers
 * {@code webhook-id}, {@code webhook-timestamp} (seconds) and {@code webhook-signature: v1,<base64>}, the signature an
 * HMAC-SHA256 of {@code id.timestamp.body} keyed with the base64-decoded part of the secret after {@code whsec_}.
 * A delivery that is not answered 2xx is tried again twice (after 0.5 s and 1 s) with the same webhook id, as a
 * sender that retries does: a receiver must take the second copy of a delivered id as a replay.
 * Only loopback URLs are posted to: a simulator never calls out of the machine.
 */
final class StandardWebhookSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandardWebhookSender.class);
    private static final long[] RETRY_DELAYS_MS = {500, 1000};

    /** One attempt to deliver: where, which webhook id, the HTTP status it got (-1: no answer, 0: not sent). */
    record Delivery(String url, String webhookId, int status, String body) {
    }

    private final String secret;
    private final ScheduledThreadPoolExecutor timer;
    private final Queue<Delivery> deliveries = new ConcurrentLinkedQueue<>();

    StandardWebhookSender(String threadName, String secret) {
        this.secret = secret;
        this.timer = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        // no idle threads: every test context starts simulators
        timer.setKeepAliveTime(5, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
    }

    /** A secret derived from a seed: {@code whsec_} and 24 bytes in base64, the shape Replicate's secrets have. */
    static String secretFor(String purpose, long seed) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((purpose + ":" + seed).getBytes(StandardCharsets.UTF_8));
            return "whsec_" + Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(digest, 24));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String secret() {
        return secret;
    }

    /** {@code v1,<base64 HMAC-SHA256(id.timestamp.body)>}. */
    static String sign(String secret, String webhookId, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            mac.update((webhookId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Posts what {@code payload} gives (when the time comes) to {@code url} after {@code delayMs}, unless
     * {@code payload} then gives null.
     */
    void schedule(String url, long delayMs, Supplier<byte[]> payload) {
        if (timer.isShutdown()) {
            return;
        }
        if (!isLoopback(url)) {
            LOG.info("simulated webhook not sent: {} is not a loopback address", hostOf(url));
            deliveries.add(new Delivery(url, null, 0, null));
            return;
        }
        String webhookId = "msg_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        timer.schedule(() -> {
            byte[] body = payload.get();
            if (body != null) {
                attempt(url, webhookId, body, 0);
            }
        }, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    }

    private void attempt(String url, String webhookId, byte[] body, int retry) {
        int status = post(url, webhookId, body);
        deliveries.add(new Delivery(url, webhookId, status, new String(body, StandardCharsets.UTF_8)));
        if ((status < 200 || status > 299) && retry < RETRY_DELAYS_MS.length && !timer.isShutdown()) {
            timer.schedule(() -> attempt(url, webhookId, body, retry + 1), RETRY_DELAYS_MS[retry], TimeUnit.MILLISECONDS);
        }
    }

    private int post(String url, String webhookId, byte[] body) {
        long timestamp = System.currentTimeMillis() / 1000;
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(5000);
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/json");
            connection.setRequestProperty("webhook-id", webhookId);
            connection.setRequestProperty("webhook-timestamp", String.valueOf(timestamp));
            connection.setRequestProperty("webhook-signature", sign(secret, webhookId, timestamp, body));
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

    /** Every attempt so far, oldest first (status 0: not sent, the URL was not a loopback one). */
    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    static boolean isLoopback(String url) {
        String host = hostOf(url);
        return host != null && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]")
                || host.equals("::1") || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"));
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
