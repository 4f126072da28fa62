package org.imagegen.observe;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.imagegen.job.JobStore;

/** Readiness: the job store answers a trivial query. Every stage needs it, so without it the bundle is not ready. */
public class JobStoreHealthCheck extends AbstractHealthCheck {

    private final JobStore store;

    public JobStoreHealthCheck(JobStore store) {
        super("imagegen", "job-store");
        this.store = store;
    }

    @Override
    public boolean isLiveness() {
        return false;
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
