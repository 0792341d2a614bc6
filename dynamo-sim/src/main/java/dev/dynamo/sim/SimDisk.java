package dev.dynamo.sim;

import dev.dynamo.core.engine.memory.MemoryStorageEngine;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One simulated node's storage as the simulation sees it: the engines the node opened (so
 * that a crash can roll them back), the ledger they report stored and lost versions to, and,
 * with the memory engine as the "disk", one memory engine per table that outlives the node's
 * incarnations. Handed to {@link CrashableEngineProvider} as an engine extension through the
 * node's plugin registry, so that no engine learns about the simulation from its clock.
 *
 * <pre>{@code
 * SimDisk disk = new SimDisk(time, "n1", ledger, "memory");
 * PluginRegistry plugins = PluginRegistry.installed().withExtension(SimDisk.class, disk);
 * // ... new DynamoNode(..., plugins); later:
 * for (CrashableEngine e : disk.takeEngines()) e.crash();
 * disk.setFull(true);        // every engine write of n1 now fails with an I/O error
 * }</pre>
 */
public final class SimDisk {
    private final VirtualScheduler time;
    private final String node;
    private final VersionLedger ledger;
    private final String defaultEngine;
    private final List<CrashableEngine> engines = new ArrayList<>();
    private final Map<String, StorageEngine> memoryDisks = new HashMap<>();
    private boolean full;
    private boolean syncFails;

    /**
     * @param defaultEngine the engine under {@link CrashableEngine}s opened without a
     *                      {@code delegate} property (the node's system tables): mvstore or memory
     */
    public SimDisk(VirtualScheduler time, String node, VersionLedger ledger, String defaultEngine) {
        this.time = Objects.requireNonNull(time, "time");
        this.node = Objects.requireNonNull(node, "node");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.defaultEngine = Objects.requireNonNull(defaultEngine, "defaultEngine");
    }

    public String node() {
        return node;
    }

    /** The shared (true) time, for the records of the simulation; a node's own clock may be skewed. */
    public long trueMillis() {
        return time.clock().millis();
    }

    public VersionLedger ledger() {
        return ledger;
    }

    /** The engine under crashable engines opened without a {@code delegate} property. */
    public String defaultEngine() {
        return defaultEngine;
    }

    /** The memory engine that is this node's "disk" for {@code table}, kept across crashes. */
    synchronized StorageEngine memoryDisk(String table) {
        return memoryDisks.computeIfAbsent(table, MemoryStorageEngine::new);
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

    /**
     * Fills or frees the disk: while full, every write of this node's engines fails with an
     * I/O error before it changes anything; reads and syncs go on.
     */
    public synchronized void setFull(boolean full) {
        this.full = full;
    }

    public synchronized boolean isFull() {
        return full;
    }

    /**
     * Breaks or repairs fsync: while broken, every sync of this node's engines fails, and what
     * it should have made durable stays volatile even after a later sync succeeds, until the
     * key is written again (see {@link CrashableEngine#sync()}).
     */
    public synchronized void setSyncFails(boolean fails) {
        this.syncFails = fails;
    }

    public synchronized boolean syncFails() {
        return syncFails;
    }

    /** Engines of the running incarnation. */
    synchronized List<CrashableEngine> engines() {
        return List.copyOf(engines);
    }
}
