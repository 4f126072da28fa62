package org.imagegen.provider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.imagegen.job.Job;
import org.imagegen.job.RateLimiter;
import org.imagegen.provider.definition.DefinedProvider;
import org.imagegen.support.MovableClock;
import org.imagegen.support.ShippedDefinition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bulk status sweep over all-images.ai as routes/providers/all-images.camel.yaml declares it: the pages it asks for,
 * when it stops, which jobs' checks its list answers (only those whose last step came before the list was asked for,
 * and only while it is fresh) and which jobs it brings forward (those whose generation it shows finished; the job
 * store touches only jobs still waiting).
 */
class StatusSweepsTest {

    private static final String BASE = "https://api.all-images.ai/v1";
    private static final Duration INTERVAL = Duration.ofSeconds(2);

    private final DefinedProvider allImages = ShippedDefinition.provider("all-images");
    private final Map<String, RateLimiter> rateLimits = new HashMap<>();
    private final List<List<String>> broughtForward = new ArrayList<>();
    private long now = 1_000_000;
    private final MovableClock clock = new MovableClock();
    private final StatusSweeps sweeps;

    StatusSweepsTest() {
        clock.at(now);
        rateLimits.put("all-images", new RateLimiter(100, 100, now));
        Providers providers = new Providers(List.of(allImages), Map.of());
        sweeps = new StatusSweeps(providers, rateLimits, (provider, ids, at) -> {
            broughtForward.add(List.copyOf(ids));
            return ids.size();
        }, clock, INTERVAL);
    }

    /** A print as all-images.ai lists it: status 3 (done, with one image) or 2 (processing). */
    private static String print(String id, boolean done) {
        return "{\"id\":\"" + id + "\",\"status\":" + (done ? 3 : 2) + ",\"images\":" + (done
                ? "[{\"id\":\"img-" + id + "\",\"url\":\"" + BASE + "/images/preview/img-" + id + ".jpg\",\"urlFull\":\""
                + BASE + "/images/full/img-" + id + ".jpg\"}]" : "[]") + ",\"tags\":[\"imagegen\"]}";
    }

    private static HttpReply page(List<String> prints) {
        return new HttpReply(200, "{\"filteredResults\":" + prints.size() + ",\"prints\":["
                + String.join(",", prints) + "]}", null, "application/json");
    }

    private static List<String> prints(int from, int to, boolean done) {
        return IntStream.range(from, to).mapToObj(i -> print("p" + i, done)).collect(Collectors.toList());
    }

    private static Job job(String generation, long updatedAt) {
        Job job = new Job();
        job.setKey("job-" + generation);
        job.setProvider("all-images");
        job.setProviderJobId(generation);
        job.setUpdatedAt(updatedAt);
        return job;
    }

    /** One sweep whose first page is full (50) and whose second is not. */
    private void sweep(List<String> first, List<String> second) {
        List<ProviderCall> calls = sweeps.start();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).url()).isEqualTo(BASE + "/image-generations?limit=50&offset=0&tag=imagegen");
        ProviderCall next = sweeps.listed(calls.get(0), page(first));
        assertThat(next).as("a full page asks for the next one").isNotNull();
        assertThat(next.url()).isEqualTo(BASE + "/image-generations?limit=50&offset=50&tag=imagegen");
        assertThat(next.authenticated()).isTrue();
        assertThat(sweeps.listed(next, page(second))).as("a page that is not full ends the sweep").isNull();
    }

    @Test
    void aListAnswersTheChecksOfTheJobsItShowsAndBringsForwardThoseFinished() {
        List<String> first = prints(0, 48, false);
        first.add(print("done-1", true));
        first.add(print("done-2", true));
        sweep(first, prints(50, 53, false));

        assertThat(broughtForward).containsExactly(List.of("done-1", "done-2"));
        HttpReply answer = sweeps.answer(job("done-1", now - 5_000));
        assertThat(answer).isNotNull();
        assertThat(answer.url()).as("read as the job's own status answer").isEqualTo(BASE + "/image-generations/done-1");
        assertThat(allImages.checkStatus(answer).result().kind()).isEqualTo(StatusResult.Kind.SUCCEEDED);
        assertThat(allImages.checkStatus(answer).result().imageUrls())
                .containsExactly(BASE + "/images/full/img-done-1.jpg");
        assertThat(allImages.checkStatus(sweeps.answer(job("p51", now - 5_000))).result().kind())
                .as("on the second page, still running").isEqualTo(StatusResult.Kind.RUNNING);
        assertThat(sweeps.answer(job("not-listed", now - 5_000))).as("not listed: checked on its own").isNull();
        assertThat(sweeps.answeredCount("all-images")).isEqualTo(2);

        // the next sweep asks again for every finished one: a job whose create's answer was recorded only after the
        // first sweep began was not waiting then, and is now
        clock.at(now += INTERVAL.toMillis());
        sweep(first, List.of(print("done-3", true)));
        assertThat(broughtForward).containsExactly(List.of("done-1", "done-2"), List.of("done-1", "done-2", "done-3"));
    }

    @Test
    void aListAskedForBeforeTheJobsLastStepOrOlderThanTenIntervalsAnswersNothing() {
        long sweptAt = now;
        sweep(prints(0, 50, true), List.of());

        // a step after the list was asked for (a retry at the provider, a webhook): the list may say what was before
        assertThat(sweeps.answer(job("p1", sweptAt))).isNull();
        assertThat(sweeps.answers(job("p1", sweptAt + 1))).isFalse();
        assertThat(sweeps.answers(job("p1", sweptAt - 1))).isTrue();

        clock.at(now = sweptAt + 10 * INTERVAL.toMillis() + 1);
        assertThat(sweeps.answer(job("p1", sweptAt - 1))).as("too old: the sweeps since have failed").isNull();
    }

    @Test
    void anAnswerThatIsNotAListEndsTheSweepAndTheListBeforeItStands() {
        sweep(prints(0, 50, false), prints(50, 52, false));
        long firstSweep = now;

        clock.at(now += 500);
        ProviderCall call = sweeps.start().get(0);
        assertThatThrownBy(() -> sweeps.listed(call, new HttpReply(500, "{\"message\":\"down\"}", null,
                "application/json"))).hasMessageContaining("HTTP 500");
        assertThatThrownBy(() -> sweeps.listed(sweeps.start().get(0), new HttpReply(200, "{\"prints\":{}}", null,
                "application/json"))).hasMessageContaining("does not read as a list");
        assertThat(sweeps.answers(job("p51", firstSweep - 1))).as("the last list that was read").isTrue();
    }

    @Test
    void aSweepAsksNoMoreThanTheRateLimitAdmitsAndBacksOffOnA429() {
        rateLimits.put("all-images", new RateLimiter(1, 1, now));
        ProviderCall call = sweeps.start().get(0);
        assertThat(sweeps.listed(call, page(prints(0, 50, false))))
                .as("a full page, but no token left for the next one").isNull();
        assertThat(sweeps.start()).as("no token: no sweep").isEmpty();

        clock.at(now += 1_000);
        ProviderCall again = sweeps.start().get(0);
        assertThatThrownBy(() -> sweeps.listed(again, new HttpReply(429, "{}", "30", "application/json")))
                .hasMessageContaining("HTTP 429");
        clock.at(now += 5_000);
        assertThat(sweeps.start()).as("paused for the 30 s it asked").isEmpty();
    }
}
