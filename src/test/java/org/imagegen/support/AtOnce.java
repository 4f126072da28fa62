package org.imagegen.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Tasks run together, for tests of races: between instances sharing a store, or threads of one. */
public final class AtOnce {

    /** Enough threads for the races the tests stage, few enough for a loaded two-core machine. */
    private static final int THREADS = 8;

    private AtOnce() {
    }

    /** Runs every task at once (up to eight at a time) and returns their results in the tasks' order. */
    public static <T> List<T> run(List<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        ExecutorService threads = Executors.newFixedThreadPool(Math.max(1, Math.min(THREADS, tasks.size())));
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> result : threads.invokeAll(tasks)) {
                results.add(result.get());
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }
}
