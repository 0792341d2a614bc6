package dev.dynamo.core.testing;

import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoClient;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.coordination.RequestObserver;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.node.NodeConfig;
import dev.dynamo.core.node.NodeOptions;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.time.VirtualScheduler;
import dev.dynamo.core.transport.local.LocalNetwork;
import dev.dynamo.core.transport.local.LocalTransport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A whole cluster in one JVM: S nodes on the {@code local} transport under a virtual clock,
 * deterministic from a seed. Operations return futures; {@link #await} runs virtual time
 * until one completes (bounded), so tests never sleep.
 *
 * <pre>{@code
 * try (InJvmCluster c = InJvmCluster.start(3, 64, 42, dir, TableConfig.of("t", 3, 2, 2, "memory", "lww"))) {
 *     Context ctx = c.await(c.node("n1").put("t", key, Context.EMPTY, value, RequestOptions.DEFAULT));
 *     c.network().crash("n2");
 * }
 * }</pre>
 */
public final class InJvmCluster implements AutoCloseable {
    private static final int MAX_STEPS = 5_000_000;

    private final VirtualScheduler scheduler;
    private final LocalNetwork network;
    private final Map<String, NodeConfig> configs = new LinkedHashMap<>();
    private final Map<String, DynamoNode> nodes = new LinkedHashMap<>();
    private final List<TableConfig> tables;
    private final ClusterState state;
    private final NodeOptions options;

    private InJvmCluster(int size, int q, long seed, Path dataDir, NodeOptions options, List<TableConfig> tables) {
        this.options = options;
        this.scheduler = new VirtualScheduler(1_700_000_000_000L);
        this.network = new LocalNetwork(scheduler, seed);
        this.tables = List.copyOf(tables);
        List<NodeInfo> infos = new ArrayList<>();
        List<Message.NodeAddress> addresses = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            String id = "n" + i;
            infos.add(NodeInfo.of(id));
            addresses.add(new Message.NodeAddress(id, "local:" + id, "local:" + id));
            configs.put(id, new NodeConfig(id, "127.0.0.1", 0, 0, dataDir.resolve(id), 1.0, 10));
        }
        Ring ring = new RingPlanner().initial(q, infos);
        this.state = ClusterState.of(ring, addresses);
        for (String id : configs.keySet()) {
            startNode(id);
        }
    }

    public static InJvmCluster start(int size, int q, long seed, Path dataDir, TableConfig... tables) {
        return start(size, q, seed, dataDir, DEFAULT_OPTIONS, tables);
    }

    /** Options for in-JVM clusters: memory system tables, fast hint delivery, background work off. */
    public static final NodeOptions DEFAULT_OPTIONS = NodeOptions.DEFAULTS.withSystemEngine("memory")
            .withHints(200, 100).withAntiEntropy(0, 10_000).withTombstones(24L * 3600 * 1000, 0);

    public static InJvmCluster start(int size, int q, long seed, Path dataDir, NodeOptions options,
                                     TableConfig... tables) {
        return new InJvmCluster(size, q, seed, dataDir, options, List.of(tables));
    }

    private void startNode(String id) {
        LocalTransport transport = network.transport(id);
        DynamoNode node = new DynamoNode(configs.get(id), tables, state, transport, scheduler, RequestObserver.NONE,
                options);
        transport.start(node);
        node.startBackground();
        nodes.put(id, node);
    }

    public DynamoNode node(String id) {
        DynamoNode n = nodes.get(id);
        if (n == null) {
            throw new IllegalArgumentException("no node " + id + "; nodes: " + nodes.keySet());
        }
        return n;
    }

    public List<String> nodeIds() {
        return List.copyOf(configs.keySet());
    }

    public LocalNetwork network() {
        return network;
    }

    public VirtualScheduler scheduler() {
        return scheduler;
    }

    public Ring ring() {
        return state.ring();
    }

    /** Runs virtual time until {@code f} completes; fails the test if it never does. */
    public <T> T await(CompletableFuture<T> f) {
        for (int i = 0; i < MAX_STEPS && !f.isDone(); i++) {
            if (!scheduler.step()) {
                break;
            }
        }
        if (!f.isDone()) {
            throw new AssertionError("future did not complete: no more scheduled work");
        }
        return DynamoClient.await(f);
    }

    /** Runs virtual time forward (background work such as read repair). */
    public void settle(long millis) {
        scheduler.runFor(millis);
    }

    /** A blocking client through node {@code id}, driving virtual time while it waits. */
    public DynamoClient client(String id) {
        return new DynamoClient() {
            @Override
            public CompletableFuture<GetResult> getAsync(String table, byte[] key, RequestOptions options) {
                return node(id).get(table, key, options);
            }

            @Override
            public CompletableFuture<Context> putAsync(String table, byte[] key, Context context, byte[] value,
                                                       RequestOptions options) {
                return node(id).put(table, key, context, value, options);
            }

            @Override
            public CompletableFuture<Context> deleteAsync(String table, byte[] key, Context context,
                                                          RequestOptions options) {
                return node(id).delete(table, key, context, options);
            }

            @Override
            public GetResult get(String table, byte[] key, RequestOptions options) {
                return await(getAsync(table, key, options));
            }

            @Override
            public Context put(String table, byte[] key, Context context, byte[] value, RequestOptions options) {
                return await(putAsync(table, key, context, value, options));
            }

            @Override
            public Context delete(String table, byte[] key, Context context, RequestOptions options) {
                return await(deleteAsync(table, key, context, options));
            }

            @Override
            public void close() {
            }
        };
    }

    /** Crashes node {@code id}: the network drops it; its engines stay (a memory engine keeps its data). */
    public void crash(String id) {
        network.crash(id);
    }

    public void restart(String id) {
        network.restart(id);
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        nodes.values().forEach(DynamoNode::close);
    }
}
