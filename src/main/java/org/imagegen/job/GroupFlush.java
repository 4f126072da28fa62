package org.imagegen.job;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Brings the store's file up to date for every commit that asks, with one flush for all those that ask together
 * (group commit). H2's flush (CHECKPOINT) writes every page changed since the last one and syncs the file; the loop's
 * lanes and the intake ask for it at once many times a second, and each flush made on its own queued behind the
 * others while holding a pooled connection: the intake waited for the flushes of sixteen lanes and then for a
 * connection. A caller takes a ticket after its commit; whoever flushes first covers every ticket taken before its
 * flush began, so the callers queued behind it return without flushing again.
 */
final class GroupFlush {

    /** What makes the file current: it must cover every commit made before it starts. */
    @FunctionalInterface
    interface Flush<E extends Exception> {
        void run() throws E;
    }

    /** Tickets handed out: one per committed write that must be on file. */
    private final AtomicLong requested = new AtomicLong();
    /** Every ticket up to this one is on file. */
    private long flushed;
    /** Flushes made: a test's measure of how many were saved. */
    private final AtomicLong flushes = new AtomicLong();
    private final Object lock = new Object();

    /**
     * Returns once a flush that began after the caller's commit has ended (the caller committed before calling). The
     * flush runs on the caller's thread, with the caller's connection, so nothing else is held meanwhile.
     */
    <E extends Exception> void afterCommit(Flush<E> flush) throws E {
        long ticket = requested.incrementAndGet();
        synchronized (lock) {
            if (flushed >= ticket) {
                return; // a flush that began after this commit has ended while we waited for the lock
            }
            long covers = requested.get(); // every ticket up to here was taken after its commit: this flush covers it
            flush.run();
            flushes.incrementAndGet();
            flushed = covers;
        }
    }

    /** How many flushes were made (fewer than the commits that asked, when several asked at once). */
    long flushes() {
        return flushes.get();
    }
}
