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
    private static final long SECONDS = NOW / 1000;

    /** A verifier of {@link #SECRET}, new for each test (JUnit makes an instance per test): no ids remembered. */
    private final StandardWebhooksVerifier verifier = StandardWebhooksVerifier.withSecret(SECRET, TOLERANCE, 100);

    @Test
    void theSchemesPublishedExampleVerifies() {
        // standardwebhooks.com's own test vector: secret, id, timestamp, payload and the signature they give
        Function<String, String> headers = headers("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");

        assertThat(verifier.verify(headers, utf8("{\"test\": 2432232314}"), NOW))
                .isEqualTo("msg_p5jXN8AQM9LWM0D4loKWxJek");
    }

    @Test
    void aSignedDeliveryVerifiesOnceAndItsReplayIsRefused() {
        byte[] body = utf8("{\"id\": \"pred_1\", \"status\": \"succeeded\"}");
        Function<String, String> delivery = signed(SECRET, "msg_1", SECONDS, body);

        assertThat(verifier.verify(delivery, body, NOW)).isEqualTo("msg_1");
        assertThatThrownBy(() -> verifier.verify(delivery, body, NOW + 1000))
                .isInstanceOfSatisfying(WebhookRefusedException.class, e -> assertThat(e.status()).isEqualTo(403))
                .hasMessageContaining("replay");
    }

    @Test
    void oneMatchingEntryAmongSeveralIsEnough() {
        byte[] body = utf8("{}");
        String good = signed(SECRET, "msg_2", SECONDS, body).apply("webhook-signature");
        String other = signed(secret(utf8("another key")), "msg_2", SECONDS, body).apply("webhook-signature");

        assertThat(verifier.verify(headers("msg_2", String.valueOf(SECONDS), other + " v2,abc " + good), body, NOW))
                .isEqualTo("msg_2");
    }

    @Test
    void aForgedBodyAWrongKeyAndMissingHeadersAreRefused401AndNotRecorded() {
        byte[] body = utf8("{\"id\": \"pred_1\"}");
        Function<String, String> genuine = signed(SECRET, "msg_3", SECONDS, body);
        byte[] forged = utf8("{\"id\": \"pred_2\"}");
        Function<String, String> wrongKey = signed(secret(new byte[24]), "msg_3", SECONDS, body);

        assertRefused(() -> verifier.verify(genuine, forged, NOW), 401);
        assertRefused(() -> verifier.verify(wrongKey, body, NOW), 401);
        assertRefused(() -> verifier.verify(headers("msg_3", String.valueOf(SECONDS), null), body, NOW), 401);
        assertRefused(() -> verifier.verify(headers("msg_3", String.valueOf(SECONDS), "v1,not base64!"), body, NOW),
                401);
        // none of those was recorded: the genuine delivery still passes
        assertThat(verifier.verify(genuine, body, NOW)).isEqualTo("msg_3");
    }

    @Test
    void aTimestampOutsideTheToleranceEitherWayIsRefused403() {
        byte[] body = utf8("{}");
        long old = SECONDS - 301;
        long future = SECONDS + 301;

        assertRefused(() -> verifier.verify(signed(SECRET, "msg_old", old, body), body, NOW), 403);
        assertRefused(() -> verifier.verify(signed(SECRET, "msg_new", future, body), body, NOW), 403);
        assertThat(verifier.verify(signed(SECRET, "msg_edge", SECONDS - 299, body), body, NOW)).isEqualTo("msg_edge");
    }

    @Test
    void aFetchedSecretIsAskedForFirstAndAgainAtMostOnceAMinuteWhenADeliveryDoesNotMatch() {
        StandardWebhooksVerifier fetching = StandardWebhooksVerifier.fetchingSecret(TOLERANCE, 100);
        byte[] body = utf8("{}");
        Function<String, String> delivery = signed(SECRET, "msg_4", SECONDS, body);

        assertThat(fetching.wantsKeys(delivery, body, NOW)).isTrue();
        assertRefused(() -> fetching.verify(delivery, body, NOW), 503);
        fetching.keysFetched("{\"key\": \"" + SECRET + "\"}", NOW);
        assertThat(fetching.wantsKeys(delivery, body, NOW)).isFalse();
        assertThat(fetching.verify(delivery, body, NOW)).isEqualTo("msg_4");

        // a delivery the secret does not match: fetched again, but not within a minute of the last fetch
        Function<String, String> rotated = signed(secret(utf8("new")), "msg_5", SECONDS, body);
        assertThat(fetching.wantsKeys(rotated, body, NOW + 59_000)).isFalse();
        assertThat(fetching.wantsKeys(rotated, body, NOW + 60_000)).isTrue();
        assertThatThrownBy(() -> fetching.keysFetched("{\"detail\": \"not found\"}", NOW + 60_000))
                .isInstanceOf(IllegalArgumentException.class);
        // the unusable answer kept the secret it had
        assertThat(fetching.verify(signed(SECRET, "msg_6", SECONDS, body), body, NOW + 60_000)).isEqualTo("msg_6");
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

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A Standard Webhooks secret for {@code key}, as a provider hands one out. */
    private static String secret(byte[] key) {
        return "whsec_" + Base64.getEncoder().encodeToString(key);
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
