package dev.dynamo.sim;

import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.node.NodeOptions;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.spi.PluginRegistry;
import dev.dynamo.core.spi.StorageException;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.time.VirtualScheduler;
import dev.dynamo.core.transport.local.LocalNetwork;
import dev.dynamo.testing.TestCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The simulated cluster: a {@link TestCluster} of S nodes on the local network under the
 * simulation's {@link VirtualScheduler}, each node with its own skewable clock
 * ({@link NodeScheduler}) and its tables and hints on {@link CrashableEngine}s, which reach
 * the node's {@link SimDisk} through its plugin registry. A crash here is a process crash:
 * the node's engines lose every write since their last sync (the undo log of
 * {@link CrashableEngine}) before the node is thrown away, and the restart builds a new node
 * from the data directory.
 *
 * <pre>{@code
 * SimCluster c = new SimCluster(time, seed, 4, 16, dir, tables, options, ledger, "memory");
 * c.crash("n2");          // engines roll back to their durable state; node discarded
 * c.restart("n2");        // a new DynamoNode over the same data directory
 * }</pre>
 */
final class SimCluster implements AutoCloseable {
    private final VirtualScheduler time;
    private final Map<String, NodeScheduler> clocks = new LinkedHashMap<>();
    private final Map<String, SimDisk> disks = new LinkedHashMap<>();
    private final TestCluster cluster;

    /**
     * @param seed the network's seed: drops, duplicates and jitter draw from it
     * @param disk the engine under the crashable ones: memory or mvstore
     */
    SimCluster(VirtualScheduler time, long seed, int size, int q, Path dataDir, List<TableConfig> tables,
               NodeOptions options, VersionLedger ledger, String disk) {
        this.time = time;
        for (int i = 1; i <= size; i++) {
            String id = "n" + i;
            clocks.put(id, new NodeScheduler(time));
            disks.put(id, new SimDisk(time, id, ledger, disk));
        }
        this.cluster = TestCluster.builder().nodes(size).partitions(q).table(tables.toArray(TableConfig[]::new))
                .virtualTime(time).seed(seed).dataDir(dataDir).nodeOptions(options)
                .schedulers((id, shared) -> clocks.get(id))
                .plugins(id -> PluginRegistry.installed().withExtension(SimDisk.class, disks.get(id)))
                .build();
    }

    List<String> ids() {
        return cluster.nodeIds();
    }

    boolean isUp(String id) {
        return cluster.isUp(id);
    }

    /** The running node {@code id}. */
    DynamoNode node(String id) {
        return cluster.node(id);
    }

    /** Node {@code id}'s clock, whose skew the nemesis sets. */
    NodeScheduler clock(String id) {
        NodeScheduler clock = clocks.get(id);
        if (clock == null) {
            throw new IllegalArgumentException("no node " + id + "; nodes: " + clocks.keySet());
        }
        return clock;
    }

    /** Node {@code id}'s storage, whose disk the nemesis fills and whose fsync it breaks. */
    SimDisk disk(String id) {
        SimDisk disk = disks.get(id);
        if (disk == null) {
            throw new IllegalArgumentException("no node " + id + "; nodes: " + disks.keySet());
        }
        return disk;
    }

    Ring ring() {
        return cluster.ring();
    }

    LocalNetwork network() {
        return cluster.network();
    }

    VirtualScheduler time() {
        return time;
    }

    /** Node ids that are up, in id order. */
    List<String> upIds() {
        List<String> out = new ArrayList<>();
        for (String id : ids()) {
            if (isUp(id)) {
                out.add(id);
            }
        }
        return out;
    }

    /** A random node that is up (the cluster never has all nodes down at once). */
    String randomUp(Random random) {
        List<String> up = upIds();
        return up.get(random.nextInt(up.size()));
    }

    /**
     * Crashes {@code id} like {@code kill -9}: the network stops delivering to and from it,
     * its engines roll back to what was last synced, and the node object is discarded.
     *
     * @return keys rolled back (what the crash lost), summed over its engines
     */
    int crash(String id) {
        if (!isUp(id)) {
            return 0;
        }
        // the network first: sends it had pending fail now, and what they write is rolled back too
        cluster.network().crash(id);
        int lost = 0;
        for (CrashableEngine e : disks.get(id).takeEngines()) {
            lost += e.crash().size();
        }
        // closing the node only stops its timers now: the engines refuse sync and close after the crash
        cluster.kill(id);
        return lost;
    }

    /** Starts a new incarnation of a crashed node from its data directory. */
    void restart(String id) {
        cluster.restart(id);
    }

    /** What MVStore's background auto-commit does: makes every engine's writes so far durable. */
    void commit(String id) {
        if (isUp(id)) {
            for (CrashableEngine e : disks.get(id).engines()) {
                try {
                    e.sync();
                } catch (StorageException failed) {
                    // a broken fsync fails the background commit too; the node itself is not told
                }
            }
        }
    }

    @Override
    public void close() {
        cluster.close();
    }
}
