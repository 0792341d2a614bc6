package dev.dynamo.core.time;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task every {@code intervalMillis} on a {@link Scheduler} (so a simulation's virtual
 * time drives it too) until closed. A run that throws is logged and the next one still comes:
 * checking files for a rotation, for example, must outlive one unreadable version of them.
 *
 * <pre>{@code
 * Periodic polling = Periodic.start(scheduler, 60_000, "checking the TLS files", reloader::reloadIfChanged);
 * polling.close();                       // no run starts after this returns
 * }</pre>
 */
public final class Periodic implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Periodic.class);

    private final Scheduler scheduler;
    private final long intervalMillis;
    private final String what;
    private final Runnable task;
    private final Object lock = new Object();
    private Cancellable next;
    private boolean closed;

    private Periodic(Scheduler scheduler, long intervalMillis, String what, Runnable task) {
        this.scheduler = scheduler;
        this.intervalMillis = intervalMillis;
        this.what = what;
        this.task = task;
    }

    /**
     * Schedules the first run {@code intervalMillis} from now.
     *
     * @param what what the task does, for the log line of a failed run
     * @throws IllegalArgumentException if {@code intervalMillis} is not positive
     */
    public static Periodic start(Scheduler scheduler, long intervalMillis, String what, Runnable task) {
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException(what + ": interval must be positive, got " + intervalMillis + " ms");
        }
        Periodic periodic = new Periodic(Objects.requireNonNull(scheduler, "scheduler"), intervalMillis,
                Objects.requireNonNull(what, "what"), Objects.requireNonNull(task, "task"));
        periodic.scheduleNext();
        return periodic;
    }

    private void scheduleNext() {
        synchronized (lock) {
            if (!closed) {
                next = scheduler.schedule(this::run, intervalMillis);
            }
        }
    }

    private void run() {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("{} failed, trying again in {} ms", what, intervalMillis, e);
        }
        scheduleNext();
    }

    /** No run is scheduled after this returns (one already running finishes). Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (next != null) {
                next.cancel();
                next = null;
            }
        }
    }
}
