package dev.dynamo.testing;

import dev.dynamo.core.time.Scheduler;
import dev.dynamo.core.time.VirtualScheduler;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/** Virtual time: waiting runs the scheduler's tasks on the test thread. */
final class VirtualTime implements ClusterTime {
    /** Where the clock starts: a plausible wall-clock time, so timestamps look like real ones. */
    static final long START_MILLIS = 1_700_000_000_000L;
    /** How far {@link #runUntil} moves time between two looks at its condition. */
    private static final long POLL_MILLIS = 50;
    /** Bound of {@link #runUntilDone}: tasks, since periodic timers keep the queue from ever emptying. */
    private static final int MAX_STEPS = 5_000_000;

    private final VirtualScheduler scheduler;

    VirtualTime(VirtualScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public void runFor(long millis) {
        scheduler.runFor(millis);
    }

    @Override
    public void runUntil(BooleanSupplier done, long maxMillis, String what) {
        long end = scheduler.clock().millis() + maxMillis;
        while (!done.getAsBoolean()) {
            if (scheduler.clock().millis() >= end) {
                throw new AssertionError("timed out after " + maxMillis + " virtual ms waiting for " + what);
            }
            scheduler.runFor(POLL_MILLIS);
        }
    }

    /** Runs one task at a time, so the future completes at the very moment it would. */
    @Override
    public void runUntilDone(CompletableFuture<?> future) {
        for (int i = 0; i < MAX_STEPS && !future.isDone(); i++) {
            if (!scheduler.step()) {
                break;
            }
        }
        if (!future.isDone()) {
            throw new AssertionError("future did not complete: no more scheduled work, or " + MAX_STEPS
                    + " tasks ran without it (t=" + scheduler.clock().millis() + ")");
        }
    }

    @Override
    public void close() {
        // nothing runs unless a test drives it
    }
}
