package dev.dynamo.core.node;

import dev.dynamo.core.handoff.HintStore;
import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.Partitioner;
import dev.dynamo.core.spi.PluginRegistry;
import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.store.IssuedCounters;
import dev.dynamo.core.store.SiblingCompactor;
import dev.dynamo.core.store.SiblingStore;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.time.Clock;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a node keeps on disk, opened together and closed together: its tables (each
 * with its engine, reconciler and partitioner found in the node's plugin registry), the hint
 * store of sloppy-quorum writes kept for other nodes, and the incarnation that names its
 * writes. If any part fails to open, the parts already open are closed again.
 */
final class NodeStorage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeStorage.class);

    private final Map<String, Table> tables;
    private final HintStore hints;
    private final Incarnation incarnation;

    private NodeStorage(Map<String, Table> tables, HintStore hints, Incarnation incarnation) {
        this.tables = tables;
        this.hints = hints;
        this.incarnation = incarnation;
    }

    /** @param elapsed elapsed milliseconds (the scheduler's), for how long hints are held */
    static NodeStorage open(NodeConfig config, List<TableConfig> tableConfigs, NodeOptions options, Clock clock,
                            java.util.function.LongSupplier elapsed, PluginRegistry plugins) {
        IssuedCounters issued = new IssuedCounters();
        Map<String, Table> tables = openTables(config, tableConfigs, clock, plugins, issued);
        HintStore hints;
        try {
            StorageEngine hintEngine = plugins.engine(options.systemEngine()).open(new EngineContext("__hints",
                    config.dataDir().resolve("__hints"), Map.of(), clock, plugins.extensions()));
            hints = new HintStore(hintEngine, config.maxClockEntries(), elapsed);
        } catch (RuntimeException e) {
            tables.values().forEach(t -> closeQuietly(t.engine()));
            throw e;
        }
        try {
            return new NodeStorage(tables, hints, Incarnation.open(config, options, clock, plugins, issued));
        } catch (RuntimeException e) {
            tables.values().forEach(t -> closeQuietly(t.engine()));
            hints.close();
            throw e;
        }
    }

    private static Map<String, Table> openTables(NodeConfig config, List<TableConfig> configs, Clock clock,
                                                 PluginRegistry plugins, IssuedCounters issued) {
        Map<String, Table> open = new LinkedHashMap<>();
        try {
            for (TableConfig tc : configs) {
                if (open.containsKey(tc.name())) {
                    throw new IllegalArgumentException("table '" + tc.name() + "' is configured twice");
                }
                Reconciler reconciler = plugins.reconciler(tc.reconciler()).create(tc.name(), tc.reconcilerProperties());
                Partitioner partitioner = plugins.partitioner(tc.partitioner());
                Path dir = config.dataDir().resolve(tc.name());
                StorageEngine engine = plugins.engine(tc.engine())
                        .open(new EngineContext(tc.name(), dir, tc.engineProperties(), clock, plugins.extensions()));
                SiblingStore store = new SiblingStore(tc.name(), engine, config.maxClockEntries(),
                        tc.durability() == TableConfig.Durability.SYNC, new SiblingCompactor(reconciler), issued);
                open.put(tc.name(), new Table(tc, engine, store, reconciler, partitioner));
            }
        } catch (RuntimeException e) {
            open.values().forEach(t -> closeQuietly(t.engine()));
            throw e;
        }
        return Map.copyOf(open);
    }

    Map<String, Table> tables() {
        return tables;
    }

    HintStore hints() {
        return hints;
    }

    Incarnation incarnation() {
        return incarnation;
    }

    /**
     * Syncs and closes every table and the hint store, then records the shutdown as clean
     * only if all of them synced and closed: a run whose data may not all be on disk must
     * make the next start take a new actor name, or it could issue a write id again
     * ({@link Incarnation}). A part that fails is logged and the others still close.
     */
    @Override
    public void close() {
        boolean durable = true;
        for (Table t : tables.values()) {
            try {
                t.engine().sync();
            } catch (RuntimeException e) {
                durable = false;
                LOG.warn("table '{}': sync on close failed", t.config().name(), e);
            }
            durable &= closeQuietly(t.engine());
        }
        try {
            hints.sync();
        } catch (RuntimeException e) {
            durable = false;
            LOG.warn("hint store sync on close failed", e);
        }
        try {
            hints.close();
        } catch (RuntimeException e) {
            durable = false;
            LOG.warn("closing the hint store failed", e);
        }
        incarnation.close(durable);
    }

    /** False when closing failed (logged). */
    private static boolean closeQuietly(StorageEngine engine) {
        try {
            engine.close();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("closing an engine failed", e);
            return false;
        }
    }
}
