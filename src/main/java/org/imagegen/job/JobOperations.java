package org.imagegen.job;

import java.util.LinkedHashMap;
import java.util.Map;

/** The JMX face of the job store and lifecycle, registered by the bundle as {@code org.imagegen:type=Jobs}. */
public class JobOperations implements JobOperationsMBean {

    private final JobStore store;
    private final JobLifecycle lifecycle;

    public JobOperations(JobStore store, JobLifecycle lifecycle) {
        this.store = store;
        this.lifecycle = lifecycle;
    }

    @Override
    public Map<String, Long> getJobsByState() {
        Map<String, Long> counts = new LinkedHashMap<>();
        store.countByState().forEach((state, count) -> counts.put(state.name(), count));
        return counts;
    }

    @Override
    public boolean retryDelivery(String jobId) {
        return lifecycle.retryDelivery(jobId);
    }
}
