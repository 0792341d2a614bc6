package dev.dynamo.sim;

import dev.dynamo.core.time.Cancellable;
import dev.dynamo.core.time.Clock;
import dev.dynamo.core.time.Scheduler;
import dev.dynamo.core.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One node's view of the simulation's virtual time: its timers share the one
 * {@link VirtualScheduler} queue of the whole cluster (so a run stays one deterministic
 * sequence of tasks), but its {@link #clock()} reads the shared time plus this node's skew,
 * as a machine whose clock is off by that much would. Everything the node timestamps
 * (versions, hints, failure-detector probes, tombstone grace) sees the skewed time; delays
 * are unchanged, because a skewed clock still ticks at the right rate.
 *
 * <p>The clock is also the channel through which {@link CrashableEngineProvider} tells the
 * simulation which engines a node opened (an engine only receives its node's clock), so no
 * static registry is needed.
 *
 * <pre>{@code
 * VirtualScheduler time = new VirtualScheduler(0);
 * NodeScheduler n1 = new NodeScheduler(time, "n1", ledger);
 * n1.setSkew(-2_000);                   // n1's clock runs two seconds behind
 * n1.clock().millis();                  // time.clock().millis() - 2000
 * n1.schedule(task, 100);               // fires at shared time + 100
 * }</pre>
 */
public final class NodeScheduler implements Scheduler {
    private final VirtualScheduler shared;
    private final NodeClock clock;

    public NodeScheduler(VirtualScheduler shared, String node, VersionLedger ledger) {
        this(shared, node, ledger, "mvstore");
    }

    /**
     * @param defaultDisk the engine under {@link CrashableEngine}s opened without a
     *                    {@code delegate} property (the node's system tables): mvstore or memory
     */
    public NodeScheduler(VirtualScheduler shared, String node, VersionLedger ledger, String defaultDisk) {
        this.shared = Objects.requireNonNull(shared, "shared");
        this.clock = new NodeClock(shared, Objects.requireNonNull(node, "node"), Objects.requireNonNull(ledger, "ledger"),
                Objects.requireNonNull(defaultDisk, "defaultDisk"));
    }

    @Override
    public NodeClock clock() {
        return clock;
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

    /**
     * The skewed clock of one node; engines opened with it are registered here, so the
     * simulation can crash them.
     */
    public static final class NodeClock implements Clock {
        private final VirtualScheduler shared;
        private final String node;
        private final VersionLedger ledger;
        private final List<CrashableEngine> engines = new ArrayList<>();
        private final java.util.Map<String, dev.dynamo.core.spi.StorageEngine> disks = new java.util.HashMap<>();
        private final String defaultDisk;
        private long skew;

        NodeClock(VirtualScheduler shared, String node, VersionLedger ledger, String defaultDisk) {
            this.defaultDisk = defaultDisk;
            this.shared = shared;
            this.node = node;
            this.ledger = ledger;
        }

        @Override
        public long millis() {
            return shared.clock().millis() + skew;
        }

        /** The shared (true) time, for the records of the simulation. */
        public long trueMillis() {
            return shared.clock().millis();
        }

        public String node() {
            return node;
        }

        /** The engine under crashable engines opened without a {@code delegate} property. */
        public String defaultDisk() {
            return defaultDisk;
        }

        public VersionLedger ledger() {
            return ledger;
        }

        /** The memory engine that is this node's "disk" for {@code table}, kept across crashes. */
        synchronized dev.dynamo.core.spi.StorageEngine disk(String table) {
            return disks.computeIfAbsent(table, dev.dynamo.core.engine.memory.MemoryStorageEngine::new);
        }

        synchronized void opened(CrashableEngine engine) {
            engines.add(engine);
        }

        /** The engines opened since the last call, handed over and forgotten (one node incarnation). */
        synchronized List<CrashableEngine> takeEngines() {
            List<CrashableEngine> out = List.copyOf(engines);
            engines.clear();
            return out;
        }

        /** Engines of the running incarnation. */
        synchronized List<CrashableEngine> engines() {
            return List.copyOf(engines);
        }
    }
}
