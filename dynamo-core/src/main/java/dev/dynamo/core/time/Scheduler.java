package dev.dynamo.core.time;

/**
 * Timers and a task queue. {@link SystemScheduler} runs on real threads;
 * {@link VirtualScheduler} runs tasks in virtual-time order from one thread, so a
 * seeded simulation replays exactly.
 *
 * <pre>{@code
 * Cancellable t = scheduler.schedule(() -> gossip(), 1000);
 * scheduler.execute(() -> handle(message));
 * }</pre>
 */
public interface Scheduler {

    Clock clock();

    /**
     * Milliseconds from an arbitrary origin that only move forward at the rate of real (or
     * virtual) time: unlike {@link #clock()}, no wall-clock step or skew changes them. For
     * measuring how long something has been held (hints, tombstones) where a node's clock
     * cannot be trusted; meaningless across restarts and between nodes. The default is the
     * clock, for schedulers whose clock cannot jump.
     */
    default long elapsedMillis() {
        return clock().millis();
    }

    /** Runs {@code task} after {@code delayMillis} (0: as soon as possible, never inline). */
    Cancellable schedule(Runnable task, long delayMillis);

    /** Runs {@code task} as soon as possible, never inline. */
    default void execute(Runnable task) {
        schedule(task, 0);
    }
}
