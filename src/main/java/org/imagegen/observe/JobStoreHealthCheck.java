package org.imagegen.observe;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.imagegen.job.JobQueries;

/**
 * Readiness: the job store answers a trivial query. Every stage needs it, so without it the bundle is not ready.
 * <p>
 * The query runs on a thread of its own and the probe waits for it at most {@code answerWithin}: with the database
 * unreachable, taking a connection from the pool blocks for the pool's whole wait (30 s by default), far longer than
 * a probe waits for its answer. A query still running from an earlier probe is waited on again rather than a second
 * one started, so a hung database never piles up threads.
 */
public class JobStoreHealthCheck extends ReadinessCheck {

    private final JobQueries store;
    private final Duration answerWithin;
    private CompletableFuture<Void> ping;
    private long pingStartedAt;

    public JobStoreHealthCheck(JobQueries store, Duration answerWithin) {
        super("job-store");
        this.store = store;
        this.answerWithin = answerWithin;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        CompletableFuture<Void> current;
        long startedAt;
        synchronized (this) {
            if (ping == null || ping.isDone()) {
                pingStartedAt = System.currentTimeMillis();
                ping = CompletableFuture.runAsync(() -> store.ping(Math.max(1, (int) answerWithin.toSeconds())),
                        runnable -> {
                            Thread thread = new Thread(runnable, "job-store-health");
                            thread.setDaemon(true);
                            thread.start();
                        });
            }
            current = ping;
            startedAt = pingStartedAt;
        }
        try {
            current.get(answerWithin.toMillis(), TimeUnit.MILLISECONDS);
            builder.up();
        } catch (TimeoutException e) {
            builder.message("the job store does not answer: no answer for "
                    + (System.currentTimeMillis() - startedAt) / 1000 + " s").down();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            builder.message(cause.getMessage()).error(cause).down();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            builder.message("the job store check was interrupted").down();
        }
    }
}
