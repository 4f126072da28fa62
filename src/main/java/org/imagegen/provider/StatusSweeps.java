package org.imagegen.provider;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.imagegen.job.Job;
import org.imagegen.job.RateLimiter;
import org.imagegen.provider.definition.BulkStatus;
import org.imagegen.provider.definition.DefinedProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk status sweeps (routes/check-status.camel.yaml, sweep-bulk-status). Every imagegen.poll.sweep-interval, each
 * provider whose definition declares bulk status has its latest generations listed, a page or a few, each page one
 * call under the provider key's rate limit. The latest list then:
 * <ul>
 * <li>answers the status check of every job whose generation it shows, if it was asked for after the job's last step
 * (its row's last write), so such a check makes no call of its own;</li>
 * <li>brings forward the check of every waiting job whose generation it shows finished, so it is delivered within a
 * sweep or two of finishing rather than at its own next check.</li>
 * </ul>
 * A job the list does not show is checked on its own, as without bulk status: the list only ever saves calls. A list
 * answers each job at most once (the check's own write then follows it) and is trusted for ten sweep intervals: a
 * late sweep on a busy host still answers, while sweeps that keep failing leave the jobs to their own checks.
 */
public class StatusSweeps {

    private static final Logger LOG = LoggerFactory.getLogger(StatusSweeps.class);

    /** The job store's side: the checks of jobs waiting on listed, finished generations are made due now. */
    public interface ListedChecks {
        int bringForward(String provider, Collection<String> providerJobIds, long now);
    }

    /** A finished sweep: when it started, each listed generation's item by id, and the ids of those that had ended. */
    private record Listing(long startedAt, Map<String, String> items, Set<String> finished) {
    }

    /** A sweep under way (one at a time per provider: the route's timer runs one sweep after another). */
    private static final class Sweep {
        private final long startedAt;
        private final Map<String, String> items = new LinkedHashMap<>();
        private int page = 1;

        private Sweep(long startedAt) {
            this.startedAt = startedAt;
        }
    }

    private final Providers providers;
    private final Map<String, RateLimiter> rateLimits;
    private final ListedChecks checks;
    private final Clock clock;
    private final long trustedMs;
    private final Map<String, Listing> latest = new ConcurrentHashMap<>();
    private final Map<String, Sweep> running = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> answered = new ConcurrentHashMap<>();

    /** {@code interval}: imagegen.poll.sweep-interval; a list is trusted for ten times that. */
    public StatusSweeps(Providers providers, Map<String, RateLimiter> rateLimits, ListedChecks checks, Clock clock,
                        Duration interval) {
        this.providers = providers;
        // kept, not copied: defined providers add theirs when the context starts
        this.rateLimits = rateLimits;
        this.checks = checks;
        this.clock = clock;
        this.trustedMs = 10 * interval.toMillis();
    }

    /** The first page's call of each sweep that starts now: one per provider with bulk status its rate limit admits. */
    public List<ProviderCall> start() {
        long now = clock.millis();
        List<ProviderCall> calls = new ArrayList<>();
        for (ImageProvider provider : providers.all()) {
            if (provider instanceof DefinedProvider defined && defined.hasBulkStatus() && admitted(defined.name(), now)) {
                running.put(defined.name(), new Sweep(now));
                calls.add(defined.bulkStatus().call(1));
            }
        }
        return calls;
    }

    /**
     * One page's answer: its generations are kept, and the call for the next page is returned while pages are full,
     * fewer than bulkStatusPages were read and the rate limit admits one more; else null, and the sweep's list
     * replaces the one before. An answer that is not a list ends the sweep without one (an exception, logged by the
     * route): the jobs are checked on their own meanwhile.
     */
    public ProviderCall listed(ProviderCall call, HttpReply reply) {
        String name = call.provider();
        BulkStatus bulk = ((DefinedProvider) providers.get(name)).bulkStatus();
        Sweep sweep = running.get(name);
        if (sweep == null) {
            return null;
        }
        long now = clock.millis();
        if (reply.status() == 429) {
            Duration wait = reply.retryAfterDuration(now);
            rateLimits.get(name).pauseUntil(now + (wait == null ? 1_000 : wait.toMillis()));
        }
        BulkStatus.Page page;
        try {
            page = bulk.read(reply);
        } catch (RuntimeException e) {
            running.remove(name);
            throw e;
        }
        sweep.items.putAll(page.items());
        if (page.full() && sweep.page < bulk.pages() && admitted(name, now)) {
            sweep.page++;
            return bulk.call(sweep.page);
        }
        running.remove(name);
        publish(name, bulk, sweep, now);
        return null;
    }

    private void publish(String provider, BulkStatus bulk, Sweep sweep, long now) {
        Listing before = latest.get(provider);
        Set<String> finished = new HashSet<>();
        sweep.items.forEach((id, item) -> {
            // read by statusOutcome only when it changed since the last list: most items of a page did not
            boolean unchanged = before != null && item.equals(before.items().get(id));
            if (unchanged ? before.finished().contains(id) : bulk.finished(item)) {
                finished.add(id);
            }
        });
        latest.put(provider, new Listing(sweep.startedAt, Map.copyOf(sweep.items), Set.copyOf(finished)));
        // every finished one, each sweep: the store brings forward only jobs still waiting with a later check, so a
        // job whose create's answer was recorded after this sweep began is brought forward by the next one
        int brought = finished.isEmpty() ? 0 : checks.bringForward(provider, finished, now);
        LOG.debug("{}: bulk status listed {} generations in {} pages, {} finished; {} jobs checked at once",
                provider, sweep.items.size(), sweep.page, finished.size(), brought);
    }

    private boolean admitted(String provider, long now) {
        RateLimiter limiter = rateLimits.get(provider);
        return limiter == null || limiter.tryAcquire(now) == 0;
    }

    /**
     * The job's status answer from its provider's latest list: null unless the list shows the job's generation, was
     * asked for after the job's last step and is no older than ten sweep intervals. Only a status check reads it.
     */
    public HttpReply answer(Job job) {
        String item = listedItem(job);
        if (item == null) {
            return null;
        }
        answered.computeIfAbsent(job.getProvider(), p -> new AtomicLong()).incrementAndGet();
        return ((DefinedProvider) providers.get(job.getProvider())).bulkStatus().answer(job, item);
    }

    /** Whether {@link #answer} would answer the job's check (the loop admits such a check without a call's token). */
    public boolean answers(Job job) {
        return listedItem(job) != null;
    }

    private String listedItem(Job job) {
        Listing listing = latest.get(job.getProvider());
        String id = job.getProviderJobId();
        if (listing == null || id == null || listing.startedAt() <= job.getUpdatedAt()
                || clock.millis() - listing.startedAt() > trustedMs) {
            return null;
        }
        return listing.items().get(id);
    }

    /** How many checks of the provider's jobs a list answered (imagegen_status_checks_listed_total). */
    public long answeredCount(String provider) {
        AtomicLong count = answered.get(provider);
        return count == null ? 0 : count.get();
    }
}
