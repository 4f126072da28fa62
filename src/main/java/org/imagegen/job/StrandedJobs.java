package org.imagegen.job;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs whose step ended in failure while still claimed: the step's own write and its error handler's both failed
 * (the job store unavailable, an outage longer than the pool's wait). Left alone, such a job would wait out its
 * lease (imagegen.loop.lease) before anyone looked at it again. Instead the job, as the step and its error handler
 * left it, is written again (its claim released) at the first tick of the status loop at which the store answers.
 * The write is fenced by the claim like every other: if the lease ran out meanwhile and the job was taken over,
 * nothing is written.
 */
final class StrandedJobs {

    private static final Logger LOG = LoggerFactory.getLogger(StrandedJobs.class);

    private final JobStore store;
    private final JobQueries queries;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();

    StrandedJobs(JobStore store, JobQueries queries) {
        this.store = store;
        this.queries = queries;
    }

    void add(Job job) {
        if (job != null && job.getLeaseOwner() != null) {
            jobs.put(job.getKey(), job);
            LOG.warn("job {}: its step could not be recorded (the job store is unavailable); it is recorded as soon"
                    + " as the store answers again", job.getKey());
        }
    }

    /** Writes the stranded jobs; stops at the first that the store cannot take (still unavailable). */
    void writeAgain(long now) {
        for (Job job : List.copyOf(jobs.values())) {
            try {
                if (job.getState().isTerminal()) {
                    // a terminal manifest is written before the row: the row's write is all that is left to do
                    job.setNextCheckAt(null);
                }
                JobState stored = queries.find(job.getKey()).map(Job::getState).orElse(null);
                boolean changed = stored != job.getState();
                store.save(job, (changed ? Save.withEvent("recorded after the job store came back") : Save.withoutEvent())
                        .durably(), now);
                LOG.info("job {}: recorded as {} after the job store came back; its claim is released",
                        job.getKey(), job.getState());
            } catch (LeaseLostException e) {
                LOG.info("job {}: {}; nothing to record", job.getKey(), e.getMessage());
            } catch (JobStoreException e) {
                return;
            } catch (RuntimeException e) {
                // not the store being away: left to its lease, like a step that died
                LOG.warn("job {}: cannot be recorded again, left to its lease: {}", job.getKey(), e.toString());
            }
            jobs.remove(job.getKey(), job);
        }
    }
}
