package org.imagegen.provider;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.sun.net.httpserver.HttpExchange;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.imagegen.App;
import org.imagegen.job.Job;
import org.imagegen.job.JobState;
import org.imagegen.support.BundleTest;
import org.imagegen.support.Folders;
import org.imagegen.support.ScriptedProvider.Call;
import org.imagegen.support.ScriptedProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A slow provider cannot starve the others. A defined provider ("sloth", a definition file the test writes into a
 * folder the routes pattern loads) answers every call only after 30 s; ten of its jobs are due, its lane runs three
 * calls at once, and the status loop has only two workers. The all-images simulator's jobs are
 * all delivered while the three slow calls are still open, none of the slow provider's calls answered; the slow
 * provider never has more than three calls open; its other jobs wait unchanged, a few in its lane, the rest unclaimed.
 * The stub is released at the end.
 */
@CamelMainTest(mainClass = App.class, propertyPlaceholderLocations = {Folders.FAST_BUNDLE, App.CONFIG}, properties = {
        Folders.WITH_TEST_PROVIDERS,
        "imagegen.test.folders=provider-lanes",
        "imagegen.poll.queued-interval=200ms",
        // fewer workers than slow calls: a worker held by a slow call would show at once
        "imagegen.loop.workers=2",
        "imagegen.providers.sloth.max-in-flight=3",
        // small claims and a short loop queue: the slow provider's lane takes claims until it holds more than
        // 3 + 2 steps, and has room for one more claim of 2
        "imagegen.loop.queue-size=2",
        "imagegen.loop.batch=2",
        // the client waits longer than the stub, so a slow call ends by the stub's answer, which the test counts
        "imagegen.http.response-timeout=60000ms"
})
class ProviderLanesTest extends BundleTest {

    private static final Duration WAIT = Duration.ofSeconds(25);
    private static final int SLOW_JOBS = 10;
    private static final int SLOW_LANE = 3;
    /** The most jobs the slow provider's lane queues: imagegen.loop.queue-size plus imagegen.loop.batch. */
    private static final int LANE_QUEUE = 4;
    private static final int QUICK_JOBS = 8;
    private static final Folders FOLDERS = new Folders("provider-lanes").clean();
    private static final SlowStub SLOTH = SlowStub.start(Duration.ofSeconds(30));

    static {
        FOLDERS.addProvider("sloth", """
                baseUrl: "{{imagegen.providers.sloth.base-url}}"
                apiKey: "sloth-test-key"
                downloadHosts: "localhost"
                model: "sloth-1"
                ratePerSecond: "100"
                rateBurst: "100"
                aspectRatios: "1:1"
                maxCount: "1"
                maxPrompt: "2000"
                createMethod: POST
                createPath: "/v1/generations"
                createBody: "{prompt: .prompt}"
                createId: ".id"
                errorMessage: ".error.message"
                statusPath: "/v1/generations/${id}"
                statusOutcome: '{state: "running"}'
                """);
        System.setProperty("imagegen.providers.sloth.base-url", "http://127.0.0.1:" + SLOTH.port());
    }

    @AfterAll
    void releaseTheSlowProvider() {
        SLOTH.release();
        // the held calls answered before the stub goes
        await().atMost(WAIT).until(() -> SLOTH.handling.get() == 0);
        SLOTH.stop();
        System.clearProperty("imagegen.providers.sloth.base-url");
    }

    @Test
    void aProviderThatAnswersAfterThirtySecondsDelaysNoOtherProvidersDeliveries() {
        FOLDERS.drop("slow.jsonl", Folders.jsonl(SLOW_JOBS, i -> "{\"id\": \"sloth-" + i
                + "\", \"provider\": \"sloth\", \"prompt\": \"a sleeping sloth " + i + "\"}"));
        // the slow provider's lane is full: three creates open at the stub
        await().atMost(WAIT).until(() -> SLOTH.open.get() == SLOW_LANE);

        FOLDERS.drop("quick.jsonl", Folders.jsonl(QUICK_JOBS, i -> "{\"id\": \"quick-" + i
                + "\", \"prompt\": \"a quick hare " + i + "\"}"));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(states("quick")).as("the all-images jobs").containsOnly(JobState.DELIVERED)
                        .hasSize(QUICK_JOBS));
        Map<String, Long> lanes = laneThreads();
        int threads = Thread.activeCount();

        // every all-images job was delivered while the slow provider had answered nothing
        assertThat(SLOTH.answered.get()).as("slow calls answered").isZero();
        assertThat(SLOTH.open.get()).as("slow calls still open").isEqualTo(SLOW_LANE);
        assertThat(SLOTH.maxOpen.get()).as("the most slow calls ever open at once").isEqualTo(SLOW_LANE);
        assertThat(SLOTH.creates.get()).as("creates sent to the slow provider").isEqualTo(SLOW_LANE);

        // the slow provider's jobs: three creates under way; a few claimed jobs wait in its lane's queue; the others
        // are left unclaimed while the lane is full. None of them was changed or counted an error
        Map<String, Job> slow = jobs("sloth");
        assertThat(slow).hasSize(SLOW_JOBS);
        assertThat(slow.values().stream().filter(j -> j.getState() == JobState.SUBMITTING)).hasSize(SLOW_LANE);
        List<Job> waiting = slow.values().stream().filter(j -> j.getState() == JobState.ACCEPTED).toList();
        assertThat(waiting).hasSize(SLOW_JOBS - SLOW_LANE).allSatisfy(j -> {
            assertThat(j.getCreateAttempts()).isZero();
            assertThat(j.getTransientErrors()).isZero();
        });
        long queued = waiting.stream().filter(j -> j.getLeaseOwner() != null).count();
        assertThat(queued).as("claimed, waiting in the lane").isBetween(1L, (long) LANE_QUEUE);
        assertThat(waiting.size() - queued).as("left unclaimed")
                .isGreaterThanOrEqualTo(SLOW_JOBS - SLOW_LANE - LANE_QUEUE);

        // a lane's threads: at most its calls in flight; a provider nobody used has none
        assertThat(lanes.getOrDefault("sloth", 0L)).isEqualTo(SLOW_LANE);
        assertThat(lanes.getOrDefault("rendernet", 0L)).isZero();
        assertThat(lanes.getOrDefault("all-images", 0L)).isBetween(1L, 16L);
        System.out.printf("threads of the test JVM with the bundle started, three slow calls open and the all-images"
                + " jobs delivered: %d; lane threads %s%n", threads, lanes);
    }

    private Map<String, Job> jobs(String prefix) {
        int n = prefix.equals("sloth") ? SLOW_JOBS : QUICK_JOBS;
        return IntStream.rangeClosed(1, n).mapToObj(i -> prefix + "-" + i)
                .map(key -> store.find(key).orElse(null)).filter(j -> j != null)
                .collect(Collectors.toMap(Job::getKey, Function.identity()));
    }

    private List<JobState> states(String prefix) {
        return jobs(prefix).values().stream().map(Job::getState).toList();
    }

    /** Live threads per lane, by the name Camel gives them: "... - lane <provider>". */
    private static Map<String, Long> laneThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.contains(" - lane "))
                .collect(Collectors.groupingBy(name -> name.substring(name.indexOf(" - lane ") + 8),
                        Collectors.counting()));
    }

    /**
     * A provider that holds every request for {@code delay} (or until released) before answering 503, counting the
     * requests open at once, the most ever open, and the answers given.
     */
    static final class SlowStub extends ScriptedProvider {

        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger maxOpen = new AtomicInteger();
        final AtomicInteger answered = new AtomicInteger();
        final AtomicInteger creates = new AtomicInteger();
        final AtomicInteger handling = new AtomicInteger();
        private final CountDownLatch released = new CountDownLatch(1);
        private final Duration delay;

        private SlowStub(Duration delay) {
            // one thread per request, so that every request can be held at once
            super(true);
            this.delay = delay;
        }

        static SlowStub start(Duration delay) {
            SlowStub stub = new SlowStub(delay);
            stub.listen();
            return stub;
        }

        void release() {
            released.countDown();
        }

        @Override
        protected void answer(HttpExchange exchange, Call call) throws IOException {
            handling.incrementAndGet();
            try {
                hold(exchange, call);
            } finally {
                handling.decrementAndGet();
            }
        }

        private void hold(HttpExchange exchange, Call call) throws IOException {
            if (call.method().equals("POST")) {
                creates.incrementAndGet();
            }
            maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            try {
                released.await(delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                open.decrementAndGet();
            }
            answered.incrementAndGet();
            json(exchange, 503, "{\"error\": {\"message\": \"released\"}}");
        }
    }
}
