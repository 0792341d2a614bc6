package dev.dynamo.testing;

import dev.dynamo.core.time.Scheduler;
import dev.dynamo.core.time.SystemScheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Real time: nodes run on a {@link SystemScheduler}'s threads, waiting polls or sleeps. */
final class RealTime implements ClusterTime {
    /** Timer threads: several, so that timers, handlers and writes run concurrently as on a server. */
    private static final int THREADS = 4;
    private static final long POLL_MILLIS = 10;
    /** Bound of {@link #runUntilDone}: longer than any request deadline a test sets. */
    private static final long MAX_REQUEST_MILLIS = 60_000;

    private final SystemScheduler scheduler = new SystemScheduler("test-cluster", THREADS);

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public void runFor(long millis) {
        sleep(millis);
    }

    @Override
    public void runUntil(BooleanSupplier done, long maxMillis, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + maxMillis + " ms waiting for " + what);
            }
            sleep(POLL_MILLIS);
        }
    }

    @Override
    public void runUntilDone(CompletableFuture<?> future) {
        try {
            future.get(MAX_REQUEST_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // done, exceptionally: the caller reads the failure from the future
        } catch (TimeoutException e) {
            throw new AssertionError("future did not complete within " + MAX_REQUEST_MILLIS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
