package dev.dynamo.client;

import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.coordination.RequestObserver;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.node.NodeConfig;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.spi.TransportContext;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.time.SystemScheduler;
import dev.dynamo.transport.netty.NettyTransport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Real nodes in the test JVM: each a {@link DynamoNode} on the memory engine behind a
 * {@code netty} transport listening on 127.0.0.1 on a port the OS picks. Counts the
 * requests each node coordinates.
 */
final class LoopbackCluster implements AutoCloseable {
    private final SystemScheduler scheduler = new SystemScheduler("test-node", 2);
    private final Map<String, String> addresses = new ConcurrentHashMap<>();
    private final Map<String, Transport> transports = new LinkedHashMap<>();
    private final Map<String, DynamoNode> nodes = new LinkedHashMap<>();
    private final Map<String, LongAdder> coordinated = new ConcurrentHashMap<>();
    private volatile ClusterState state;

    private LoopbackCluster() {
    }

    /** {@code size} nodes n1..n{size} on a ring of {@code q} partitions serving {@code tables}. */
    static LoopbackCluster start(int size, int q, Path dataDir, TableConfig... tables) {
        LoopbackCluster c = new LoopbackCluster();
        try {
            c.startNodes(size, q, dataDir, List.of(tables));
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void startNodes(int size, int q, Path dataDir, List<TableConfig> tables) {
        // ports come from the OS, so listen first and build the ring once every port is known
        Map<String, AtomicReference<DynamoNode>> handlers = new LinkedHashMap<>();
        for (int i = 1; i <= size; i++) {
            String id = "n" + i;
            AtomicReference<DynamoNode> handler = new AtomicReference<>();
            Transport t = Plugins.transport("netty").create(new TransportContext(id, addresses::get,
                    Map.of("bind", "127.0.0.1:0", "io-threads", "2"), scheduler));
            transports.put(id, t);
            t.start((from, request) -> {
                DynamoNode node = handler.get();
                return node != null ? node.handle(from, request)
                        : CompletableFuture.failedFuture(new IllegalStateException("node " + id + " is starting"));
            });
            addresses.put(id, "127.0.0.1:" + ((NettyTransport) t).port());
            handlers.put(id, handler);
            coordinated.put(id, new LongAdder());
        }
        List<NodeInfo> infos = new ArrayList<>();
        List<Message.NodeAddress> nodeAddresses = new ArrayList<>();
        for (String id : handlers.keySet()) {
            infos.add(new NodeInfo(id, addresses.get(id), 1.0));
            nodeAddresses.add(new Message.NodeAddress(id, addresses.get(id), "127.0.0.1:1"));
        }
        state = ClusterState.of(new RingPlanner().initial(q, infos), nodeAddresses);
        for (Map.Entry<String, AtomicReference<DynamoNode>> e : handlers.entrySet()) {
            String id = e.getKey();
            int port = Integer.parseInt(addresses.get(id).substring("127.0.0.1:".length()));
            NodeConfig config = new NodeConfig(id, "127.0.0.1", port, 0, dataDir.resolve(id), 1.0, 10);
            LongAdder count = coordinated.get(id);
            RequestObserver observer = (op, table, outcome, nanos) -> count.increment();
            DynamoNode node = new DynamoNode(config, tables, state, transports.get(id), scheduler, observer);
            nodes.put(id, node);
            e.getValue().set(node);
        }
    }

    List<String> seeds() {
        List<String> seeds = new ArrayList<>();
        for (String id : nodes.keySet()) {
            seeds.add(addresses.get(id));
        }
        return seeds;
    }

    String address(String id) {
        return addresses.get(id);
    }

    Ring ring() {
        return state.ring();
    }

    DynamoNode node(String id) {
        return nodes.get(id);
    }

    /** Requests (get, put, delete) node {@code id} coordinated so far. */
    long coordinated(String id) {
        return coordinated.get(id).sum();
    }

    Map<String, Long> coordinatedByNode() {
        Map<String, Long> counts = new LinkedHashMap<>();
        coordinated.forEach((id, n) -> counts.put(id, n.sum()));
        return counts;
    }

    /** Gives every node (stopped ones too: harmless) a new ring with the same addresses. */
    void updateRing(Ring ring) {
        state = new ClusterState(ring, state.addresses());
        for (DynamoNode node : nodes.values()) {
            node.updateCluster(state);
        }
    }

    /** Stops a node the way a crash looks from outside: its port closes. */
    void stop(String id) {
        transports.get(id).close();
        nodes.get(id).close();
    }

    @Override
    public void close() {
        for (Transport t : transports.values()) {
            t.close();
        }
        for (DynamoNode n : nodes.values()) {
            n.close();
        }
        scheduler.close();
    }
}
