package org.imagegen.simulator;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The status checks a simulator is answering, per generation, and the generations that got a check while another
 * check of theirs was still being answered (two callers checking one job at once).
 */
final class ChecksInFlight {

    /** The end of the check this thread is answering (handlers answer on the thread that started the check). */
    private static final ThreadLocal<Runnable> ANSWERED_HERE = new ThreadLocal<>();

    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Set<String> overlapping = ConcurrentHashMap.newKeySet();

    /**
     * Starts a check of {@code generationId}; the action returned ends it (once). It also ends when this thread starts
     * writing an answer ({@link #answering}), whichever comes first.
     */
    Runnable start(String generationId) {
        AtomicInteger checks = inFlight.computeIfAbsent(generationId, k -> new AtomicInteger());
        if (checks.incrementAndGet() > 1) {
            overlapping.add(generationId);
        }
        AtomicBoolean ended = new AtomicBoolean();
        Runnable end = () -> {
            if (ended.compareAndSet(false, true)) {
                checks.decrementAndGet();
                ANSWERED_HERE.remove();
            }
        };
        ANSWERED_HERE.set(end);
        return end;
    }

    Set<String> overlapping() {
        return Set.copyOf(overlapping);
    }

    /** This thread starts writing an answer: the check it answers, if any, has ended. */
    static void answering() {
        Runnable end = ANSWERED_HERE.get();
        if (end != null) {
            end.run();
        }
    }
}
