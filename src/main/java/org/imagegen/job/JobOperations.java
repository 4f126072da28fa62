package org.imagegen.job;

import java.util.LinkedHashMap;
import java.util.Map;

/** The JMX face of the job store and the operator's actions, registered by the bundle as {@code org.imagegen:type=Jobs}. */
public record JobOperations(JobQueries queries, OperatorActions actions) implements JobOperationsMBean {

    @Override
    public Map<String, Long> getJobsByState() {
        Map<String, Long> counts = new LinkedHashMap<>();
        queries.countByState().forEach((state, count) -> counts.put(state.name(), count));
        return counts;
    }

    @Override
    public boolean retryDelivery(String jobId) {
        return actions.retryDelivery(jobId);
    }
}
