package org.imagegen.observe;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.imagegen.job.JobStore;

/** Readiness: the job store answers a trivial query. Every stage needs it, so without it the bundle is not ready. */
public class JobStoreHealthCheck extends ReadinessCheck {

    private final JobStore store;

    public JobStoreHealthCheck(JobStore store) {
        super("job-store");
        this.store = store;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            store.ping(2);
            builder.up();
        } catch (RuntimeException e) {
            builder.message(e.getMessage()).error(e).down();
        }
    }
}
