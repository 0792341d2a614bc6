package dev.dynamo.sim;

import dev.dynamo.core.time.Cancellable;
import dev.dynamo.core.time.Clock;
import dev.dynamo.core.time.Scheduler;
import dev.dynamo.core.time.VirtualScheduler;
import java.util.Objects;

/**
 * One node's view of the simulation's virtual time: its timers share the one
 * {@link VirtualScheduler} queue of the whole cluster (so a run stays one deterministic
 * sequence of tasks), but its {@link #clock()} reads the shared time plus this node's skew,
 * as a machine whose clock is off by that much would. Everything the node timestamps
 * (versions, hints, failure-detector probes, tombstone grace) sees the skewed time; delays
 * are unchanged, because a skewed clock still ticks at the right rate.
 *
 * <pre>{@code
 * VirtualScheduler time = new VirtualScheduler(0);
 * NodeScheduler n1 = new NodeScheduler(time);
 * n1.setSkew(-2_000);                   // n1's clock runs two seconds behind
 * n1.clock().millis();                  // time.clock().millis() - 2000
 * n1.schedule(task, 100);               // fires at shared time + 100
 * }</pre>
 */
public final class NodeScheduler implements Scheduler {
    private final VirtualScheduler shared;
    private final NodeClock clock;

    public NodeScheduler(VirtualScheduler shared) {
        this.shared = Objects.requireNonNull(shared, "shared");
        this.clock = new NodeClock(shared);
    }

    @Override
    public NodeClock clock() {
        return clock;
    }

    /** The shared virtual time: a skew, even one changed mid-run, shifts the clock, never elapsed time. */
    @Override
    public long elapsedMillis() {
        return shared.clock().millis();
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMillis) {
        return shared.schedule(task, delayMillis);
    }

    /** Sets how far this node's clock is ahead of the shared time (negative: behind). */
    public void setSkew(long millis) {
        clock.skew = millis;
    }

    public long skew() {
        return clock.skew;
    }

    /** The skewed clock of one node. */
    public static final class NodeClock implements Clock {
        private final VirtualScheduler shared;
        private long skew;

        NodeClock(VirtualScheduler shared) {
            this.shared = shared;
        }

        @Override
        public long millis() {
            return shared.clock().millis() + skew;
        }
    }
}
