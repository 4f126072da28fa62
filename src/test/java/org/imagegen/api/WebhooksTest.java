package org.imagegen.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.job.Job;
import org.imagegen.job.JobQueries;
import org.imagegen.simulator.AllImagesSimulator;
import org.imagegen.support.ApiClient;
import org.imagegen.support.Folders;
import org.imagegen.support.PostgresJobStore;
import org.imagegen.support.RunningBundle;
import org.imagegen.support.Simulated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.imagegen.support.ApiClient.json;

/**
 * all-images.ai webhooks against the real routes/ and config/ and the simulator, which posts print.completed when
 * subscribed. The same 1.5 s generation is run twice: polling alone every 200 ms, then with webhooks and a poll
 * interval of a minute; the webhook brings the one check forward, so delivery takes fewer status checks.
 */
@ExtendWith(PostgresJobStore.class)
class WebhooksTest {

    private static final String TOKEN = "webhook-token-0123456789";
    private static final String SECRET = "hook-secret-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String REQUEST = "{\"id\": \"%s\", \"prompt\": \"a harbour at night sim:ms=1500\"}";

    @Test
    void aWebhookDeliversWithFewerChecksThanPollingAloneAndAWrongSecretIsRefused() throws Exception {
        int pollingChecks;
        try (RunningBundle bundle = start("webhooks-off", "false", "200ms")) {
            ApiClient api = ApiClient.of(bundle, TOKEN);
            AllImagesSimulator simulator = Simulated.simulator(bundle, "all-images", AllImagesSimulator.class);
            api.post("/api/generations", REQUEST.formatted("hook-polled"));
            awaitDelivered(api, "hook-polled");
            pollingChecks = simulator.statsFor("hook-polled").checks();
            assertThat(simulator.webhookSubscriptions()).isZero();
            assertThat(simulator.webhooksSent()).isZero();
        }
        assertThat(pollingChecks).isGreaterThanOrEqualTo(3);

        AllImagesSimulator simulator;
        try (RunningBundle bundle = start("webhooks-on", "true", "1m")) {
            ApiClient api = ApiClient.of(bundle, TOKEN);
            simulator = Simulated.simulator(bundle, "all-images", AllImagesSimulator.class);
            // the leader (here the only instance) subscribes once it runs
            AllImagesSimulator subscribed = simulator;
            await().atMost(WAIT).until(() -> subscribed.webhookSubscriptions() == 1);
            JobQueries store = bundle.bean("jobQueries", JobQueries.class);

            api.post("/api/generations", REQUEST.formatted("hook-pushed"));
            awaitDelivered(api, "hook-pushed");

            int webhookChecks = simulator.statsFor("hook-pushed").checks();
            assertThat(webhookChecks).isEqualTo(1).isLessThan(pollingChecks);
            assertThat(simulator.webhooksSent()).isEqualTo(1);

            // a wrong secret is refused and changes nothing
            api.post("/api/generations", "{\"id\": \"hook-waiting\", \"prompt\": \"never done sim:never\"}");
            await().atMost(WAIT).until(() -> store.find("hook-waiting").map(Job::getProviderJobId).isPresent());
            Job waiting = store.find("hook-waiting").orElseThrow();
            String event = "{\"id\":\"evt_1\",\"api_version\":1,\"type\":\"print.completed\",\"data\":{\"id\":\""
                    + waiting.getProviderJobId() + "\"}}";
            HttpResponse<byte[]> refused = api.send("POST", "/webhooks/all-images/not-the-secret", null, event);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(store.find("hook-waiting").orElseThrow().getNextCheckAt()).isEqualTo(waiting.getNextCheckAt());

            // an unknown generation: accepted, nothing changes
            HttpResponse<byte[]> unknown = api.send("POST", "/webhooks/all-images/" + SECRET, null,
                    "{\"type\":\"print.completed\",\"data\":{\"id\":\"print_unknown\"}}");
            assertThat(unknown.statusCode()).isEqualTo(202);
            assertThat(json(unknown).path("checkedAtOnce").asInt()).isZero();
            assertThat(store.find("hook-waiting").orElseThrow().getNextCheckAt()).isEqualTo(waiting.getNextCheckAt());

            // the right secret for a waiting generation: its check is brought forward, and it is checked once more
            int checksBefore = simulator.statsFor("hook-waiting").checks();
            HttpResponse<byte[]> accepted = api.send("POST", "/webhooks/all-images/" + SECRET, null, event);
            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(json(accepted).path("checkedAtOnce").asInt()).isEqualTo(1);
            await().atMost(WAIT).until(() -> simulator.statsFor("hook-waiting").checks() == checksBefore + 1);
            // re-read, not trusted: the generation is still running, so the job is too
            assertThat(store.find("hook-waiting").orElseThrow().getState().isAwaitingProvider()).isTrue();
        }
        // unsubscribed when the bundle stopped
        assertThat(simulator.webhookSubscriptions()).isZero();
    }

    /**
     * A subscription a leader that died left at the provider (recorded as the one in force, in the job store all
     * instances share) is removed by the next leader, here the same instance after a restart: the provider then has
     * one subscription, the one this instance made and recorded, and none once it stopped.
     */
    @Test
    void aSubscriptionLeftByALeaderThatDiedIsRemovedAndReplaced() throws Exception {
        assertTheRecordIsReplaced("webhooks-stale", (simulator, db, own) -> {
            assertThat(simulator.webhookIds()).containsExactly(own);
            // what a leader killed before it could unsubscribe leaves: its subscription, recorded as in force
            String dead = subscribeDirectly(simulator, "http://127.0.0.1:9/webhooks/all-images/gone");
            execute(db, "UPDATE webhook_subscription SET webhook_id = '" + dead + "', node_id = 'dead-node'");
            assertThat(simulator.webhookIds()).containsExactlyInAnyOrder(own, dead);
            return dead;
        });
    }

    /**
     * A recorded subscription the provider no longer holds (removed there already): all-images answers its unsubscribe
     * with 400, its documented error answer, which means gone as a 404 would. The record is replaced instead of the
     * removal being tried again forever.
     */
    @Test
    void aSubscriptionTheProviderNoLongerHoldsIsTakenAsGone() throws Exception {
        assertTheRecordIsReplaced("webhooks-gone", (simulator, db, own) -> {
            execute(db, "UPDATE webhook_subscription SET webhook_id = 'wh_removed_already', node_id = 'dead-node'");
            return "wh_removed_already";
        });
    }

    /** What a leader that died leaves on record as the subscription in force; answers the id recorded. */
    private interface LeftOnRecord {
        String record(AllImagesSimulator simulator, DataSource db, String own) throws Exception;
    }

    /**
     * A bundle whose leader subscribed and recorded its subscription ({@code own}); {@code left} then puts another on
     * record. The leader replaces it with a new one of its own: the provider then holds only that one, and none once
     * the bundle stopped.
     */
    private void assertTheRecordIsReplaced(String name, LeftOnRecord left) throws Exception {
        AllImagesSimulator simulator;
        try (RunningBundle bundle = start(name, "true", "1m", "imagegen.webhooks.check-interval=200ms")) {
            simulator = Simulated.simulator(bundle, "all-images", AllImagesSimulator.class);
            DataSource db = bundle.bean("jobStoreDataSource", DataSource.class);
            AllImagesSimulator provider = simulator;
            String own = await().atMost(WAIT).until(() -> recorded(db), id -> id != null);

            String stale = left.record(simulator, db, own);

            String replacement = await().atMost(WAIT).until(() -> recorded(db),
                    id -> id != null && !id.equals(stale) && !id.equals(own));
            await().atMost(WAIT).until(() -> provider.webhookIds().equals(Set.of(replacement)));
        }
        assertThat(simulator.webhookIds()).isEmpty();
    }

    private static String recorded(DataSource db) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT webhook_id FROM webhook_subscription WHERE provider = 'all-images'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void execute(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    /** A subscription made at the simulator as another instance would, with the key the bundle's simulator takes. */
    private static String subscribeDirectly(AllImagesSimulator simulator, String url) throws Exception {
        HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(simulator.baseUrl() + "/api-keys/webhook/subscribe"))
                .header("api-key", "simulated").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"" + url + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).isEqualTo(201);
        return new ObjectMapper().readTree(reply.body()).path("webhookId").asText();
    }

    private static RunningBundle start(String name, String webhooks, String interval, String... extra) throws Exception {
        Folders folders = new Folders(name).clean();
        List<String> properties = new ArrayList<>(List.of(folders.properties()));
        // the webhook brings a job's own check forward: no bulk status list answers it instead
        properties.addAll(List.of("imagegen.api.token=" + TOKEN, "imagegen.simulate=true",
                "imagegen.providers.all-images.bulk-status=false",
                "imagegen.webhooks.enabled=" + webhooks, "imagegen.webhooks.secret=" + SECRET,
                "imagegen.poll.initial-delay=" + interval, "imagegen.poll.interval=" + interval,
                "imagegen.poll.queued-interval=" + interval, "imagegen.loop.tick=50ms"));
        properties.addAll(List.of(extra));
        return RunningBundle.start(properties.toArray(String[]::new));
    }

    private static void awaitDelivered(ApiClient api, String id) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> "DELIVERED".equals(
                json(api.get("/api/generations/" + id)).path("state").asText()));
    }
}
