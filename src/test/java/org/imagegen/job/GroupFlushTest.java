package org.imagegen.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The job store's group commit: commits that ask for the file to be current while a flush runs share the next one,
 * and none returns before a flush that began after its commit has ended.
 */
class GroupFlushTest {

    @Test
    void callersWhoAskDuringAFlushShareTheNextOne() throws Exception {
        GroupFlush group = new GroupFlush();
        AtomicLong committed = new AtomicLong();
        /** For each flush: how many commits had been made when it began. */
        List<Long> coveredAtStart = new CopyOnWriteArrayList<>();
        CountDownLatch firstFlushMayEnd = new CountDownLatch(1);
        CountDownLatch firstFlushBegun = new CountDownLatch(1);
        GroupFlush.Flush<InterruptedException> flush = () -> {
            coveredAtStart.add(committed.get());
            if (coveredAtStart.size() == 1) {
                firstFlushBegun.countDown();
                assertThat(firstFlushMayEnd.await(30, TimeUnit.SECONDS)).isTrue();
            }
        };
        /** The commits of the callers that returned. */
        List<Long> returned = new CopyOnWriteArrayList<>();

        Thread first = caller(group, committed, flush, returned);
        assertThat(firstFlushBegun.await(30, TimeUnit.SECONDS)).isTrue();
        List<Thread> queued = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            queued.add(caller(group, committed, flush, returned));
        }
        // the ten have committed and wait behind the first flush
        await().atMost(Duration.ofSeconds(30)).until(() -> committed.get() == 11
                && queued.stream().allMatch(t -> t.getState() == Thread.State.BLOCKED));
        assertThat(returned).isEmpty();
        firstFlushMayEnd.countDown();
        first.join(30_000);
        for (Thread t : queued) {
            t.join(30_000);
        }

        assertThat(returned).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(coveredAtStart).as("the first flush, then one for the ten that asked during it")
                .containsExactly(1L, 11L);
        assertThat(group.flushes()).isEqualTo(2);
    }

    @Test
    void aFailedFlushFailsItsCallerAndTheNextCallerFlushesAgain() {
        GroupFlush group = new GroupFlush();
        assertThatThrownBy(() -> group.afterCommit(() -> {
            throw new java.sql.SQLException("disk full");
        })).hasMessage("disk full");
        AtomicLong flushed = new AtomicLong();
        group.afterCommit(flushed::incrementAndGet);
        assertThat(flushed.get()).isEqualTo(1);
        assertThat(group.flushes()).isEqualTo(1);
    }

    /** A committer: commits (counted), then asks for the file to be current; records its commit once it returned. */
    private static Thread caller(GroupFlush group, AtomicLong committed, GroupFlush.Flush<InterruptedException> flush,
                                 List<Long> returned) {
        Thread t = new Thread(() -> {
            long mine = committed.incrementAndGet();
            try {
                group.afterCommit(flush);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            returned.add(mine);
        });
        t.start();
        return t;
    }
}
