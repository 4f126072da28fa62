package org.imagegen.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.imagegen.job.Job;
import org.imagegen.job.JobClaims;
import org.imagegen.job.JobStore;

/**
 * One bundle instance's view of a job store it shares with another, for the tests of what instances weigh in the
 * store together (limits, budgets): its own data source, so its transactions race with the other's as two bundles'
 * would, and the job store and claims over it.
 */
public record StoreInstance(DataSource dataSource, JobStore store, JobClaims claims) {

    /** An instance on {@code store} (a new data source of its own) whose claims are {@code owner}'s ("node-a/1"). */
    public static StoreInstance on(Supplier<DataSource> store, String owner) {
        DataSource dataSource = store.get();
        ObjectMapper json = new ObjectMapper();
        return new StoreInstance(dataSource, new JobStore(dataSource, json), new JobClaims(dataSource, json, owner));
    }

    /**
     * The jobs each of two instances claimed, every one sent at once by the instance that claimed it ({@code sendByA},
     * {@code sendByB}); what each send answered, A's jobs first.
     */
    public static <T> List<T> sendAtOnce(List<Job> claimedByA, Function<Job, T> sendByA, List<Job> claimedByB,
                                         Function<Job, T> sendByB) throws Exception {
        List<Callable<T>> sends = new ArrayList<>();
        claimedByA.forEach(job -> sends.add(() -> sendByA.apply(job)));
        claimedByB.forEach(job -> sends.add(() -> sendByB.apply(job)));
        return AtOnce.run(sends);
    }
}
