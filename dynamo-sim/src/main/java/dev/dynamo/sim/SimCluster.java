package dev.dynamo.sim;

import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.coordination.RequestObserver;
import dev.dynamo.core.failure.OutcomeFailureDetector;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.node.NodeConfig;
import dev.dynamo.core.node.NodeOptions;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import dev.dynamo.core.spi.PluginRegistry;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.time.VirtualScheduler;
import dev.dynamo.core.transport.local.LocalNetwork;
import dev.dynamo.core.transport.local.LocalTransport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The simulated cluster: S {@link DynamoNode}s on one {@link LocalNetwork} under one
 * {@link VirtualScheduler}, each with its own skewable clock ({@link NodeScheduler}) and its
 * tables and hints on {@link CrashableEngine}s over H2 MVStore files in a temporary
 * directory. Unlike {@code InJvmCluster}, a crash here is a process crash: the node object
 * is thrown away, its engines lose every write since their last sync (the undo log of
 * {@link CrashableEngine}), and the restart builds a new node from the data directory.
 *
 * <pre>{@code
 * SimCluster c = new SimCluster(time, network, 4, 16, dir, tables, options, ledger);
 * c.crash("n2");          // engines roll back to their durable state; node discarded
 * c.restart("n2");        // a new DynamoNode over the same data directory
 * }</pre>
 */
final class SimCluster implements AutoCloseable {

    /** One node slot: its config and clock, and the incarnation running now (null while crashed). */
    static final class Slot {
        final String id;
        final NodeConfig config;
        final NodeScheduler scheduler;
        final SimDisk disk;
        DynamoNode node;
        LocalTransport transport;
        int incarnation;

        Slot(String id, NodeConfig config, NodeScheduler scheduler, SimDisk disk) {
            this.id = id;
            this.config = config;
            this.scheduler = scheduler;
            this.disk = disk;
        }

        boolean isUp() {
            return node != null;
        }
    }

    private final VirtualScheduler time;
    private final LocalNetwork network;
    private final List<TableConfig> tables;
    private final NodeOptions options;
    private final ClusterState state;
    private final Map<String, Slot> slots = new LinkedHashMap<>();

    SimCluster(VirtualScheduler time, LocalNetwork network, int size, int q, Path dataDir, List<TableConfig> tables,
               NodeOptions options, VersionLedger ledger, String disk) {
        this.time = time;
        this.network = network;
        this.tables = List.copyOf(tables);
        this.options = options;
        List<NodeInfo> infos = new ArrayList<>();
        List<Message.NodeAddress> addresses = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            String id = "n" + i;
            infos.add(NodeInfo.of(id));
            addresses.add(new Message.NodeAddress(id, "local:" + id, "local:" + id));
            NodeConfig config = new NodeConfig(id, "127.0.0.1", 0, 0, dataDir.resolve(id), 1.0, 10);
            slots.put(id, new Slot(id, config, new NodeScheduler(time), new SimDisk(time, id, ledger, disk)));
        }
        Ring ring = new RingPlanner().initial(q, infos);
        this.state = ClusterState.of(ring, addresses);
        for (Slot s : slots.values()) {
            start(s);
        }
    }

    private void start(Slot s) {
        s.transport = network.transport(s.id);
        s.node = new DynamoNode(s.config, tables, state, s.transport, s.scheduler, RequestObserver.NONE, options,
                new OutcomeFailureDetector(s.scheduler.clock(), options.failuresToSuspect(), options.probeIntervalMillis()),
                PluginRegistry.installed().withExtension(SimDisk.class, s.disk));
        s.transport.start(s.node);
        s.node.startBackground();
        s.incarnation++;
    }

    List<String> ids() {
        return List.copyOf(slots.keySet());
    }

    Slot slot(String id) {
        Slot s = slots.get(id);
        if (s == null) {
            throw new IllegalArgumentException("no node " + id + "; nodes: " + slots.keySet());
        }
        return s;
    }

    List<Slot> slots() {
        return List.copyOf(slots.values());
    }

    Ring ring() {
        return state.ring();
    }

    LocalNetwork network() {
        return network;
    }

    VirtualScheduler time() {
        return time;
    }

    /** Node ids that are up, in id order. */
    List<String> upIds() {
        List<String> out = new ArrayList<>();
        for (Slot s : slots.values()) {
            if (s.isUp()) {
                out.add(s.id);
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
        Slot s = slot(id);
        if (!s.isUp()) {
            return 0;
        }
        network.crash(id);
        int lost = 0;
        for (CrashableEngine e : s.disk.takeEngines()) {
            lost += e.crash().size();
        }
        // close() only stops timers now: the engines refuse sync and close after the crash
        s.node.close();
        s.transport.close();
        s.node = null;
        s.transport = null;
        return lost;
    }

    /** Starts a new incarnation of a crashed node from its data directory. */
    void restart(String id) {
        Slot s = slot(id);
        if (s.isUp()) {
            return;
        }
        start(s);
        network.restart(id);
    }

    /** What MVStore's background auto-commit does: makes every engine's writes so far durable. */
    void commit(String id) {
        Slot s = slot(id);
        if (s.isUp()) {
            for (CrashableEngine e : s.disk.engines()) {
                e.sync();
            }
        }
    }

    @Override
    public void close() {
        for (Slot s : slots.values()) {
            if (s.isUp()) {
                s.node.close();
                s.transport.close();
                s.node = null;
            }
        }
    }
}
