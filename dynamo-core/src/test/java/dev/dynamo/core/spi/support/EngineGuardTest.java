package dev.dynamo.core.spi.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.spi.KeyValue;
import dev.dynamo.core.spi.StorageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.StampedLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

@Timeout(30)
class EngineGuardTest {

    /** Stands for a storage library's own unchecked exception. */
    static final class LibraryException extends RuntimeException {
        LibraryException(String message) {
            super(message);
        }
    }

    private final Path file = Path.of("data", "carts.db");
    private final EngineGuard guard = new EngineGuard(new EngineLabel("test", "carts", file),
            List.of(LibraryException.class));

    @Test
    void callsRunAndReturnOnAnOpenEngine() {
        assertEquals("v", guard.call("get", () -> "v"));
        List<String> ran = new ArrayList<>();
        guard.run("put", () -> ran.add("run"));
        guard.runExclusive("write a batch to", () -> ran.add("exclusive"));
        guard.runIfOpen("commit", () -> ran.add("if open"));
        assertEquals(List.of("run", "exclusive", "if open"), ran);
    }

    @Test
    void everyCallOnAClosedEngineFailsWithTheTypedExceptionNamingTheTable() {
        guard.close(() -> { });

        for (Executable call : List.<Executable>of(
                () -> guard.call("get", () -> "v"),
                () -> guard.run("put", () -> { }),
                () -> guard.runExclusive("write a batch to", () -> { }),
                () -> guard.openScan(() -> new ListScan(guard, List.of())),
                guard::lockOpen,
                guard::ensureOpen)) {
            StorageException e = assertThrows(StorageException.class, call);
            assertEquals("test engine for table 'carts' is closed (" + file + ")", e.getMessage());
        }
    }

    @Test
    void closeReleasesOnceAndSaysWhetherItClosed() {
        AtomicInteger releases = new AtomicInteger();

        assertTrue(guard.close(releases::incrementAndGet));
        assertFalse(guard.close(releases::incrementAndGet), "already closed");

        assertEquals(1, releases.get());
    }

    @Test
    void aFailedReleaseIsReportedAndTheEngineStaysClosed() {
        LibraryException cause = new LibraryException("log corrupt");

        StorageException e = assertThrows(StorageException.class, () -> guard.close(() -> {
            throw cause;
        }));

        assertEquals("test engine for table 'carts': cannot close " + file + ": log corrupt", e.getMessage());
        assertSame(cause, e.getCause());
        assertThrows(StorageException.class, guard::ensureOpen);
        assertFalse(guard.close(() -> { }), "a half-done release is not retried");
    }

    @Test
    void theLibrarysExceptionsBecomeStorageExceptionsSayingWhatFailedWhere() {
        LibraryException cause = new LibraryException("checksum mismatch");

        StorageException e = assertThrows(StorageException.class, () -> guard.call("get", () -> {
            throw cause;
        }));

        assertEquals("test engine for table 'carts': cannot get " + file + ": checksum mismatch", e.getMessage());
        assertSame(cause, e.getCause());
    }

    @Test
    void checkedExceptionsAreAlwaysWrapped() {
        IOException cause = new IOException("no space left on device");

        StorageException e = assertThrows(StorageException.class, () -> guard.run("sync", () -> {
            throw cause;
        }));

        assertEquals("test engine for table 'carts': cannot sync " + file + ": no space left on device",
                e.getMessage());
        assertSame(cause, e.getCause());
    }

    @Test
    void storageExceptionsAndOtherUncheckedExceptionsPassThroughUnchanged() {
        StorageException storage = new StorageException("already typed");
        IllegalArgumentException bug = new IllegalArgumentException("a caller's mistake");

        assertSame(storage, assertThrows(StorageException.class, () -> guard.run("put", () -> {
            throw storage;
        })));
        assertSame(bug, assertThrows(IllegalArgumentException.class, () -> guard.run("put", () -> {
            throw bug;
        })));
    }

    @Test
    void anInterruptedCallIsWrappedAndTheThreadStaysInterrupted() {
        try {
            assertThrows(StorageException.class, () -> guard.run("sync", () -> {
                throw new InterruptedException("stop");
            }));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void runIfOpenDoesNothingOnceTheEngineIsClosed() {
        guard.close(() -> { });
        AtomicInteger runs = new AtomicInteger();

        guard.runIfOpen("commit", runs::incrementAndGet);

        assertEquals(0, runs.get());
    }

    @Test
    void markClosedMakesLaterCallsFailAndCloseDoNothing() {
        guard.markClosed();

        assertThrows(StorageException.class, () -> guard.call("get", () -> "v"));
        assertFalse(guard.close(() -> {
            throw new AssertionError("released twice");
        }));
    }

    @Test
    void closeReleasesTheScansStillOpenBeforeTheEngine() {
        List<String> order = new ArrayList<>();
        ListScan open = guard.openScan(() -> new ListScan(guard, List.of(), () -> order.add("open scan")));
        ListScan closedByUser = guard.openScan(() -> new ListScan(guard, List.of(), () -> order.add("closed scan")));
        closedByUser.close();

        guard.close(() -> order.add("engine"));
        open.close();

        assertEquals(List.of("closed scan", "open scan", "engine"), order, "each released once, scans first");
    }

    @Test
    void aLockTakenWithLockOpenHoldsOffCloseUntilItIsReleased() throws Exception {
        java.util.concurrent.locks.ReadWriteLock rw = new StampedLock().asReadWriteLock();
        EngineGuard stamped = new EngineGuard(new EngineLabel("test", "carts", file), rw, List.of());
        java.util.concurrent.locks.Lock shared = stamped.lockOpen();
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> close = threads.submit(() -> stamped.close(() -> { }));
            assertThrows(TimeoutException.class, () -> close.get(200, TimeUnit.MILLISECONDS),
                    "close waits for the call holding the shared lock");
            shared.unlock();
            assertTrue(close.get(20, TimeUnit.SECONDS));
            assertThrows(StorageException.class, stamped::lockOpen, "closed: nothing to lock");
            assertTrue(rw.writeLock().tryLock(), "a failed lockOpen leaves the lock free");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aBatchExcludesOtherCallsWhileItRuns() throws Exception {
        EngineGuard stamped = new EngineGuard(new EngineLabel("test", "carts", file),
                new StampedLock().asReadWriteLock(), List.of());
        CountDownLatch batchStarted = new CountDownLatch(1);
        CountDownLatch finishBatch = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> batch = threads.submit(() -> stamped.runExclusive("write a batch to", () -> {
                batchStarted.countDown();
                assertTrue(finishBatch.await(20, TimeUnit.SECONDS));
            }));
            assertTrue(batchStarted.await(20, TimeUnit.SECONDS));

            Future<String> read = threads.submit(() -> stamped.call("get", () -> "read"));
            assertThrows(TimeoutException.class, () -> read.get(200, TimeUnit.MILLISECONDS),
                    "a read waits for the batch");
            finishBatch.countDown();

            batch.get(20, TimeUnit.SECONDS);
            assertEquals("read", read.get(20, TimeUnit.SECONDS));
        } finally {
            threads.shutdownNow();
        }
    }

    /** A scan over a fixed list that runs {@code onRelease} when released. */
    static final class ListScan extends ScanIterator {
        private final List<KeyValue> entries;
        private final Runnable onRelease;
        private int position;

        ListScan(EngineGuard guard, List<KeyValue> entries) {
            this(guard, entries, () -> { });
        }

        ListScan(EngineGuard guard, List<KeyValue> entries, Runnable onRelease) {
            super(guard);
            this.entries = entries;
            this.onRelease = onRelease;
        }

        @Override
        protected KeyValue fetchNext() {
            return position < entries.size() ? entries.get(position++) : null;
        }

        @Override
        protected void release() {
            onRelease.run();
        }
    }
}
