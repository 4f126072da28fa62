package org.imagegen.support;

import java.util.List;
import java.util.Map;

import org.imagegen.job.Job;
import org.imagegen.job.JobState;
import org.imagegen.request.GenerationRequest;

/** Jobs as the intake writes them, for tests of the job store and what works on it, and of a provider's calls. */
public final class TestJobs {

    private TestJobs() {
    }

    /**
     * A new ACCEPTED job for {@code provider}, accepted at 0, due at once and without a deadline; {@code count} and
     * {@code route} may be null (the provider's default count, no route).
     */
    public static Job accepted(String key, String provider, Integer count, String route) {
        Job job = new Job();
        job.setKey(key);
        job.setProvider(provider);
        job.setState(JobState.ACCEPTED);
        job.setRequest(new GenerationRequest(key, false, provider, "p", null, null, count, null, Map.of(), Map.of(),
                List.of("outbox"), null, route));
        job.setAcceptedAt(0);
        job.setNextCheckAt(0L);
        job.setDeadlineAt(Long.MAX_VALUE);
        return job;
    }

    /** A job carrying {@code request}, with its key and provider: what a provider's calls and readers are given. */
    public static Job of(GenerationRequest request) {
        Job job = new Job();
        job.setKey(request.key());
        job.setProvider(request.provider());
        job.setRequest(request);
        return job;
    }

    /** A request for {@code prompt} on {@code provider} that asks for nothing more: no options, metadata or sinks. */
    public static GenerationRequest request(String key, String provider, String prompt) {
        return new GenerationRequest(key, false, provider, prompt, null, null, null, null, Map.of(), Map.of(),
                List.of());
    }
}
