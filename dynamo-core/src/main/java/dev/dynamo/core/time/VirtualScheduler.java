package dev.dynamo.core.time;

import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deterministic scheduler on virtual time. Tasks run on the caller's thread, in order of
 * due time, ties in order of scheduling; time jumps straight to the next due task. Not
 * thread-safe: one simulation drives it from one thread.
 *
 * <pre>{@code
 * VirtualScheduler s = new VirtualScheduler(0);
 * s.schedule(() -> System.out.println("at " + s.clock().millis()), 100);
 * s.runFor(1_000);   // prints "at 100"
 * }</pre>
 */
public final class VirtualScheduler implements Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualScheduler.class);

    private record Task(long due, long seq, Runnable body, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.due != b.due
            ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;
    private final Clock clock = () -> now;

    public VirtualScheduler(long startMillis) {
        this.now = startMillis;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMillis) {
        boolean[] cancelled = {false};
        long delay = Math.max(0, delayMillis);
        long due = delay > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + delay; // no overflow into the past
        queue.add(new Task(due, seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Number of tasks waiting (cancelled ones included until their time comes). */
    public int pending() {
        return queue.size();
    }

    /**
     * Runs the next due task, advancing time to it; false when nothing is queued. Cancelled
     * tasks are discarded on the way without moving time.
     */
    public boolean step() {
        Task t = nextLive();
        if (t == null) {
            return false;
        }
        queue.poll();
        now = Math.max(now, t.due);
        try {
            t.body.run();
        } catch (RuntimeException e) {
            LOG.error("virtual task failed at t={}", now, e);
            throw e;
        }
        return true;
    }

    /** Runs every task due within {@code millis} from now, then sets time to now + millis. */
    public void runFor(long millis) {
        long end = now + millis;
        for (Task next = nextLive(); next != null && next.due <= end; next = nextLive()) {
            step();
        }
        now = Math.max(now, end);
    }

    /** Discards cancelled tasks at the head of the queue and returns the next live one, left queued. */
    private Task nextLive() {
        Task t = queue.peek();
        while (t != null && t.cancelled[0]) { // bounded: each turn removes one task
            queue.poll();
            t = queue.peek();
        }
        return t;
    }

    /**
     * Runs tasks until the queue is empty or {@code maxSteps} have run.
     *
     * @return true when the queue drained
     */
    public boolean runUntilIdle(int maxSteps) {
        for (int i = 0; i < maxSteps; i++) {
            if (!step()) {
                return true;
            }
        }
        return nextLive() == null;
    }

    /** Moves time forward without running anything (a pause). */
    public void advance(long millis) {
        now += millis;
    }
}
