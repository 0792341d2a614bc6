package dev.dynamo.core.node;

import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.PluginRegistry;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.store.IssuedCounters;
import dev.dynamo.core.time.Clock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The name a node's writes carry in their dots (the "actor"): {@code id#k}, where a fresh data
 * directory takes k = the time in milliseconds and every restart after a crash adds one (a
 * node whose record predates this keeps its bare id until its first crash).
 *
 * <p>Why: on a {@code buffered} table the coordinator's own write may be lost in a crash
 * (the engine had not flushed it) while other replicas keep it. Restarted under the same
 * name, the node would issue that dot again for a different write, and every replica that
 * had seen the first write would drop the second as already seen: an acknowledged write
 * lost (found by the simulation in {@code dynamo-sim}). A fresh actor after an unclean
 * shutdown cannot collide with anything issued before, as in Riak's vnode ids. A clean
 * shutdown keeps the name, so clocks do not grow an entry per restart.
 *
 * <p>Kept in the system engine's table {@code __node} (durable by default): the restart
 * count, whether the last run closed cleanly and, from a clean shutdown, the actor's
 * {@link IssuedCounters} (so that a purged key does not get an old dot after a clean
 * restart either); written and synced at start and at close. A record without counters
 * (written before they existed) counts as unclean: the actor changes once.
 *
 * <pre>{@code
 * Incarnation inc = Incarnation.open(config, options, clock, PluginRegistry.installed(), issued);
 * String actor = inc.actor();          // "n1#1764921234567" on a fresh data directory, one more per crash
 * inc.close(true);                     // every table synced: marks the shutdown clean
 * }</pre>
 */
final class Incarnation implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Incarnation.class);
    private static final byte[] KEY = "incarnation".getBytes(StandardCharsets.UTF_8);

    /** restarts (8 bytes), clean (1), highest issued counter (8), floor (8). */
    private static final int RECORD_BYTES = 25;
    private static final int LEGACY_RECORD_BYTES = 9;

    private final StorageEngine engine;
    private final long restarts;
    private final String actor;
    private final IssuedCounters issued;

    private Incarnation(StorageEngine engine, long restarts, String actor, IssuedCounters issued) {
        this.engine = engine;
        this.restarts = restarts;
        this.actor = actor;
        this.issued = issued;
    }

    private static StorageEngine openEngine(NodeConfig config, NodeOptions options, Clock clock,
                                            PluginRegistry plugins) {
        return plugins.engine(options.systemEngine()).open(new EngineContext("__node",
                config.dataDir().resolve("__node"), Map.of(), clock, plugins.extensions()));
    }

    /**
     * Names the writes of the node's next run {@code id#<now in ms>}, for a node whose tables
     * were restored from a backup (the node is stopped). The restored tables hold less than the
     * node wrote: under its old name it would issue again dots it issued after the backup, and
     * replicas holding the first write of such a dot would drop the second. The time in
     * milliseconds is above every restart count the node had, so the name is new.
     *
     * @return the actor name the next run uses
     */
    static String markRestored(NodeConfig config, NodeOptions options, Clock clock, PluginRegistry plugins) {
        StorageEngine engine = openEngine(config, options, clock, plugins);
        try {
            byte[] stored = engine.get(KEY);
            long restarts = stored != null && (stored.length == RECORD_BYTES || stored.length == LEGACY_RECORD_BYTES)
                    ? ByteBuffer.wrap(stored).getLong() : 0;
            long renamed = Math.max(restarts + 1, clock.millis());
            // a new actor has issued nothing yet: its counters start afresh
            write(engine, renamed, true, new IssuedCounters());
            LOG.info("node {}: restored from a backup; its next writes are named {}#{}", config.id(), config.id(),
                    renamed);
            return config.id() + "#" + renamed;
        } finally {
            engine.close();
        }
    }

    /** @param issued the node's counters, restored here from a clean shutdown of the same actor */
    static Incarnation open(NodeConfig config, NodeOptions options, Clock clock, PluginRegistry plugins,
                            IssuedCounters issued) {
        StorageEngine engine = openEngine(config, options, clock, plugins);
        try {
            byte[] stored = engine.get(KEY);
            long restarts = 0;
            if (stored != null && (stored.length == RECORD_BYTES || stored.length == LEGACY_RECORD_BYTES)) {
                ByteBuffer b = ByteBuffer.wrap(stored);
                restarts = b.getLong();
                boolean clean = b.get() == 1 && stored.length == RECORD_BYTES;
                if (clean) {
                    long highest = b.getLong();
                    issued.restore(highest, b.getLong());
                } else {
                    restarts++;
                    LOG.info("node {}: the last run did not shut down cleanly; its new writes are named {}#{}",
                            config.id(), config.id(), restarts);
                }
            }
            if (stored == null) {
                // No record of an earlier run: a new node, or one whose data directory was lost.
                // The two look alike, and under its bare id the second would issue again dots the
                // other replicas hold for other writes (found by the simulation's lost-disk
                // runs); a name no earlier run can have used is safe for both.
                restarts = Math.max(1, clock.millis());
                LOG.info("node {}: no record of an earlier run in {}; its writes are named {}#{}", config.id(),
                        config.dataDir(), config.id(), restarts);
            }
            write(engine, restarts, false, new IssuedCounters());
            return new Incarnation(engine, restarts, restarts == 0 ? config.id() : config.id() + "#" + restarts,
                    issued);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** The name of this node's write events. */
    String actor() {
        return actor;
    }

    private static void write(StorageEngine engine, long restarts, boolean clean, IssuedCounters issued) {
        engine.put(KEY, ByteBuffer.allocate(RECORD_BYTES).putLong(restarts).put((byte) (clean ? 1 : 0))
                .putLong(issued.highest()).putLong(issued.floor()).array());
        engine.sync();
    }

    /**
     * Closes the table; with {@code clean}, first records the shutdown as clean so that the
     * next start keeps the actor. The node passes {@code clean} only once every table and the
     * hint store synced: marked clean while a write of this actor was still unsynced, a crash
     * right after would lose that write and the next run would issue its dot again.
     */
    void close(boolean clean) {
        if (clean) {
            try {
                write(engine, restarts, true, issued);
            } catch (RuntimeException e) {
                LOG.warn("could not record a clean shutdown; the next start will use a new actor name", e);
            }
        } else {
            LOG.warn("not every table synced at shutdown: the next start will use a new actor name");
        }
        try {
            engine.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the __node system table failed", e);
        }
    }

    /** Closes without marking the shutdown clean, as after a failure (see {@link #close(boolean)}). */
    @Override
    public void close() {
        close(false);
    }
}
