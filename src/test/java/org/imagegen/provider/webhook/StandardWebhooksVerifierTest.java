package org.imagegen.provider.webhook;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Standard Webhooks signatures: the scheme's published example, deliveries signed here, and what is refused. */
class StandardWebhooksVerifierTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final long TOLERANCE = 300_000;
    private static final long NOW = 1_614_265_330_000L;

    @Test
    void theSchemesPublishedExampleVerifies() {
        // standardwebhooks.com's own test vector: secret, id, timestamp, payload and the signature they give
        StandardWebhooksVerifier verifier = StandardWebhooksVerifier.withSecret(SECRET, TOLERANCE, 100);
        Function<String, String> headers = headers("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");

        assertThat(verifier.verify(headers, "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8), NOW))
                .isEqualTo("msg_p5jXN8AQM9LWM0D4loKWxJek");
    }

    @Test
    void aSignedDeliveryVerifiesOnceAndItsReplayIsRefused() {
        StandardWebhooksVerifier verifier = StandardWebhooksVerifier.withSecret(SECRET, TOLERANCE, 100);
        byte[] body = "{\"id\": \"pred_1\", \"status\": \"succeeded\"}".getBytes(StandardCharsets.UTF_8);
        Function<String, String> delivery = signed(SECRET, "msg_1", NOW / 1000, body);

        assertThat(verifier.verify(delivery, body, NOW)).isEqualTo("msg_1");
        assertThatThrownBy(() -> verifier.verify(delivery, body, NOW + 1000))
                .isInstanceOfSatisfying(WebhookRefusedException.class, e -> assertThat(e.status()).isEqualTo(403))
                .hasMessageContaining("replay");
    }

    @Test
    void oneMatchingEntryAmongSeveralIsEnough() {
        StandardWebhooksVerifier verifier = StandardWebhooksVerifier.withSecret(SECRET, TOLERANCE, 100);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String good = signed(SECRET, "msg_2", NOW / 1000, body).apply("webhook-signature");
        String other = signed("whsec_" + Base64.getEncoder().encodeToString("another key".getBytes()), "msg_2",
                NOW / 1000, body).apply("webhook-signature");

        assertThat(verifier.verify(headers("msg_2", String.valueOf(NOW / 1000), other + " v2,abc " + good), body, NOW))
                .isEqualTo("msg_2");
    }

    @Test
    void aForgedBodyAWrongKeyAndMissingHeadersAreRefused401AndNotRecorded() {
        StandardWebhooksVerifier verifier = StandardWebhooksVerifier.withSecret(SECRET, TOLERANCE, 100);
        byte[] body = "{\"id\": \"pred_1\"}".getBytes(StandardCharsets.UTF_8);
        Function<String, String> genuine = signed(SECRET, "msg_3", NOW / 1000, body);
        byte[] forged = "{\"id\": \"pred_2\"}".getBytes(StandardCharsets.UTF_8);
        Function<String, String> wrongKey = signed("whsec_" + Base64.getEncoder().encodeToString(new byte[24]),
                "msg_3", NOW / 1000, body);

        assertRefused(() -> verifier.verify(genuine, forged, NOW), 401);
        assertRefused(() -> verifier.verify(wrongKey, body, NOW), 401);
        assertRefused(() -> verifier.verify(headers("msg_3", String.valueOf(NOW / 1000), null), body, NOW), 401);
        assertRefused(() -> verifier.verify(headers("msg_3", String.valueOf(NOW / 1000), "v1,not base64!"), body, NOW), 401);
        // none of those was recorded: the genuine delivery still passes
        assertThat(verifier.verify(genuine, body, NOW)).isEqualTo("msg_3");
    }

    @Test
    void aTimestampOutsideTheToleranceEitherWayIsRefused403() {
        StandardWebhooksVerifier verifier = StandardWebhooksVerifier.withSecret(SECRET, TOLERANCE, 100);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        long old = NOW / 1000 - 301;
        long future = NOW / 1000 + 301;

        assertRefused(() -> verifier.verify(signed(SECRET, "msg_old", old, body), body, NOW), 403);
        assertRefused(() -> verifier.verify(signed(SECRET, "msg_new", future, body), body, NOW), 403);
        assertThat(verifier.verify(signed(SECRET, "msg_edge", NOW / 1000 - 299, body), body, NOW)).isEqualTo("msg_edge");
    }

    @Test
    void aFetchedSecretIsAskedForFirstAndAgainAtMostOnceAMinuteWhenADeliveryDoesNotMatch() {
        StandardWebhooksVerifier verifier = StandardWebhooksVerifier.fetchingSecret(TOLERANCE, 100);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        Function<String, String> delivery = signed(SECRET, "msg_4", NOW / 1000, body);

        assertThat(verifier.wantsKeys(delivery, body, NOW)).isTrue();
        assertRefused(() -> verifier.verify(delivery, body, NOW), 503);
        verifier.keysFetched("{\"key\": \"" + SECRET + "\"}", NOW);
        assertThat(verifier.wantsKeys(delivery, body, NOW)).isFalse();
        assertThat(verifier.verify(delivery, body, NOW)).isEqualTo("msg_4");

        // a delivery the secret does not match: fetched again, but not within a minute of the last fetch
        Function<String, String> rotated = signed("whsec_" + Base64.getEncoder().encodeToString("new".getBytes()),
                "msg_5", NOW / 1000, body);
        assertThat(verifier.wantsKeys(rotated, body, NOW + 59_000)).isFalse();
        assertThat(verifier.wantsKeys(rotated, body, NOW + 60_000)).isTrue();
        assertThatThrownBy(() -> verifier.keysFetched("{\"detail\": \"not found\"}", NOW + 60_000))
                .isInstanceOf(IllegalArgumentException.class);
        // the unusable answer kept the secret it had
        assertThat(verifier.verify(signed(SECRET, "msg_6", NOW / 1000, body), body, NOW + 60_000)).isEqualTo("msg_6");
    }

    @Test
    void aSecretThatIsNotBase64IsAnErrorThatDoesNotQuoteIt() {
        assertThatThrownBy(() -> StandardWebhooksVerifier.withSecret("whsec_not*base64", TOLERANCE, 100))
                .hasMessageContaining("whsec_").hasMessageNotContaining("not*base64");
    }

    @Test
    void theReplayMemoryForgetsExpiredIdsAndStaysWithinItsCapacity() {
        ReplayGuard guard = new ReplayGuard(1000, 3);

        assertThat(guard.firstTime("a", 0)).isTrue();
        assertThat(guard.firstTime("a", 999)).isFalse();
        assertThat(guard.firstTime("a", 1000)).isTrue();
        guard.firstTime("b", 1001);
        guard.firstTime("c", 1002);
        guard.firstTime("d", 1003);
        assertThat(guard.size()).isEqualTo(3);
        assertThat(guard.firstTime("d", 1004)).isFalse();
    }

    static void assertRefused(Runnable verification, int status) {
        assertThatThrownBy(verification::run).isInstanceOfSatisfying(WebhookRefusedException.class,
                e -> assertThat(e.status()).as(e.getMessage()).isEqualTo(status));
    }

    /** The headers a Standard Webhooks sender puts on a delivery of {@code body}. */
    static Function<String, String> signed(String secret, String id, long seconds, byte[] body) {
        byte[] mac = StandardWebhooksVerifier.hmac(StandardWebhooksVerifier.key(secret),
                (id + "." + seconds + ".").getBytes(StandardCharsets.UTF_8), body);
        return headers(id, String.valueOf(seconds), "v1," + Base64.getEncoder().encodeToString(mac));
    }

    static Function<String, String> headers(String id, String timestamp, String signature) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        map.put("Webhook-Id", id);
        map.put("Webhook-Timestamp", timestamp);
        if (signature != null) {
            map.put("Webhook-Signature", signature);
        }
        return map::get;
    }
}
