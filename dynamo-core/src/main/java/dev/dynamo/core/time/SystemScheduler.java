package dev.dynamo.core.time;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link Scheduler} on the system clock and a small pool of daemon threads. */
public final class SystemScheduler implements Scheduler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SystemScheduler.class);

    private final ScheduledExecutorService executor;
    private final Clock clock = Clock.system();

    public SystemScheduler(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads, factory);
        // request deadlines are nearly all cancelled: left queued until they are due, each
        // would keep its request's state (values included) alive for the whole timeout
        pool.setRemoveOnCancelPolicy(true);
        this.executor = pool;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    /** {@link System#nanoTime()} in milliseconds: steps of the wall clock do not move it. */
    @Override
    public long elapsedMillis() {
        return System.nanoTime() / 1_000_000;
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMillis) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("scheduled task failed", e);
            }
        };
        ScheduledFuture<?> f = executor.schedule(guarded, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
