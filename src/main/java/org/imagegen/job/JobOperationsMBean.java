package org.imagegen.job;

import java.util.Map;

/** What an operator can see and do over JMX (Hawtio's JMX tab, jconsole): job counts and delivery retries. */
public interface JobOperationsMBean {

    /** Number of jobs in each state. */
    Map<String, Long> getJobsByState();

    /** Tries the failed sinks of a DELIVERY_FAILED job again; false when the job is in another state. */
    boolean retryDelivery(String jobId);
}
