package dev.dynamo.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class GroupSyncTest {

    @Test
    void everyCallerReturnsOnlyAfterASyncThatStartedAfterItsWrite() throws Exception {
        AtomicLong writes = new AtomicLong();
        AtomicLong durableUpTo = new AtomicLong();
        // the "engine": a sync makes durable what was written before it started
        GroupSync sync = new GroupSync(() -> {
            long upTo = writes.get();
            sleep(2);
            durableUpTo.accumulateAndGet(upTo, Math::max);
        });
        int threads = 8;
        int perThread = 50;
        List<Thread> workers = new ArrayList<>();
        AtomicInteger violations = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    long mine = writes.incrementAndGet();
                    sync.written();
                    sync.awaitDurable();
                    if (durableUpTo.get() < mine) {
                        violations.incrementAndGet();
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(0, violations.get(), "a caller returned before its write was synced");
        assertTrue(sync.syncs() < threads * perThread, "concurrent writers shared syncs: " + sync.syncs()
                + " syncs for " + threads * perThread + " writes");
    }

    @Test
    void aFailedSyncFailsTheWritersItCoveredAndTheNextSyncIsTriedAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        IllegalStateException disk = new IllegalStateException("disk full");
        CountDownLatch inSync = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupSync sync = new GroupSync(() -> {
            if (calls.incrementAndGet() == 1) {
                inSync.countDown();
                await(release);
                throw disk;
            }
        });
        AtomicInteger failedFirst = new AtomicInteger();
        sync.written();
        Thread first = new Thread(() -> {
            try {
                sync.awaitDurable();
            } catch (IllegalStateException e) {
                assertSame(disk, e);
                failedFirst.incrementAndGet();
            }
        });
        first.start();
        assertTrue(inSync.await(5, TimeUnit.SECONDS));
        release.countDown();
        first.join();
        assertEquals(1, failedFirst.get());
        sync.awaitDurable(); // a later caller gets a sync of its own, which succeeds: the write is not durable yet
        assertEquals(2, calls.get());
        sync.awaitDurable();
        assertEquals(2, calls.get(), "once it is durable, nothing is left to sync");
        assertThrows(NullPointerException.class, () -> new GroupSync(null));
    }

    @Test
    void nothingWrittenNothingToSyncAndEachWriteIsSyncedOnce() {
        AtomicInteger calls = new AtomicInteger();
        GroupSync sync = new GroupSync(calls::incrementAndGet);

        sync.awaitDurable();
        assertEquals(0, calls.get(), "no write noted: nothing to make durable");
        sync.written();
        sync.awaitDurable();
        assertEquals(1, calls.get());
        sync.awaitDurable();
        assertEquals(1, calls.get(), "the write is durable already");
    }

    @Test
    void aCallerWithNoWriteOfItsOwnStillWaitsForTheSyncOfAnEarlierWrite() throws Exception {
        // writer A's write is being synced; B found A's versions already stored (its merge changed
        // nothing) and asks for durability: B must not be told "durable" before A's fsync ends
        CountDownLatch inSync = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger returnedBeforeTheSyncEnded = new AtomicInteger();
        AtomicInteger bReturned = new AtomicInteger();
        GroupSync sync = new GroupSync(() -> {
            inSync.countDown();
            await(release);
            returnedBeforeTheSyncEnded.set(bReturned.get());
        });
        sync.written();
        Thread a = new Thread(sync::awaitDurable);
        a.start();
        assertTrue(inSync.await(5, TimeUnit.SECONDS));
        Thread b = new Thread(() -> {
            sync.awaitDurable();
            bReturned.incrementAndGet();
        });
        b.start();
        for (int i = 0; i < 5_000 && b.getState() != Thread.State.WAITING && b.isAlive(); i++) {
            Thread.sleep(1);
        }
        release.countDown();
        a.join();
        b.join();
        assertEquals(0, returnedBeforeTheSyncEnded.get(), "B returned while the fsync of A's write still ran");
        assertEquals(1, bReturned.get());
        assertEquals(1, sync.syncs(), "B shared A's sync");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
