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

    /** Runs {@code task} after {@code delayMillis} (0: as soon as possible, never inline). */
    Cancellable schedule(Runnable task, long delayMillis);

    /** Runs {@code task} as soon as possible, never inline. */
    default void execute(Runnable task) {
        schedule(task, 0);
    }
}
