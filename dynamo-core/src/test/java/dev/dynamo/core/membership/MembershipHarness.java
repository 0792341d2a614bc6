package dev.dynamo.core.membership;

import dev.dynamo.api.Context;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.coordination.RequestObserver;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.node.NodeConfig;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.testing.InJvmCluster;
import dev.dynamo.core.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.core.time.VirtualScheduler;
import dev.dynamo.core.transport.local.LocalNetwork;
import dev.dynamo.core.transport.local.LocalTransport;
import dev.dynamo.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * In-JVM nodes with membership on the local transport under a virtual clock, plus a
 * continuous writer that remembers every acknowledged write. Deterministic from its seed.
 */
final class MembershipHarness implements AutoCloseable {
    static final String T = "t";

    final VirtualScheduler scheduler = new VirtualScheduler(1_700_000_000_000L);
    final LocalNetwork network;
    final MembershipConfig config;
    final Map<String, DynamoNode> nodes = new LinkedHashMap<>();
    final Map<String, Membership> members = new LinkedHashMap<>();
    final Map<String, String> acked = new LinkedHashMap<>();
    private final Path dir;
    private final TableConfig table = TableConfig.of(T, 3, 2, 2, "memory", KeepAllTestReconcilerProvider.NAME);
    private final Random random;
    private final Set<String> writers = new TreeSet<>();
    private boolean writing;
    private long nextKey;
    int failedWrites;
    int inFlight;

    MembershipHarness(Path dir, long seed, MembershipConfig config) {
        this.dir = dir;
        this.network = new LocalNetwork(scheduler, seed);
        this.random = new Random(seed);
        this.config = config;
    }

    /** Starts nodes n1..nS as the initial cluster (ring version 1), each with membership. */
    void startCluster(int size, int q) {
        List<NodeInfo> infos = new ArrayList<>();
        List<Message.NodeAddress> addresses = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            infos.add(NodeInfo.of("n" + i));
            addresses.add(address("n" + i));
        }
        Ring ring = new RingPlanner().initial(q, infos);
        for (NodeInfo info : infos) {
            startNode(info.id(), ClusterState.of(ring, addresses), List.of("n1"));
            writers.add(info.id());
        }
    }

    /** Starts a new node that knows nothing but a seed; it joins when told to. */
    Membership startNew(String id, String seed) {
        return startNode(id, ClusterState.of(Membership.placeholderRing(id), List.of(address(id))),
                seed == null ? List.of() : List.of(seed));
    }

    private Membership startNode(String id, ClusterState cluster, List<String> seeds) {
        LocalTransport transport = network.transport(id);
        NodeConfig nc = new NodeConfig(id, "127.0.0.1", 0, 0, dir.resolve(id), 1.0, 10);
        DynamoNode node = new DynamoNode(nc, List.of(table), cluster, transport, scheduler, RequestObserver.NONE,
                InJvmCluster.DEFAULT_OPTIONS, PhiAccrualFailureDetector.of(scheduler.clock(), config));
        transport.start(node);
        node.startBackground();
        Membership m = new Membership(address(id), seeds, config, transport, scheduler, node);
        m.start();
        nodes.put(id, node);
        members.put(id, m);
        return m;
    }

    static Message.NodeAddress address(String id) {
        return new Message.NodeAddress(id, "local:" + id, "local:" + id);
    }

    /** Coordinators the writer may use. */
    void writeThrough(String id, boolean yes) {
        if (yes) {
            writers.add(id);
        } else {
            writers.remove(id);
        }
    }

    /** One put every {@code everyMillis} through a random writer node, each to a new key. */
    void startWrites(long everyMillis) {
        writing = true;
        scheduler.schedule(new Runnable() {
            @Override
            public void run() {
                if (!writing) {
                    return;
                }
                List<String> from = new ArrayList<>(writers);
                String via = from.get(random.nextInt(from.size()));
                String key = "k" + (nextKey++);
                String value = "v-" + key;
                inFlight++;
                nodes.get(via).put(T, bytes(key), Context.EMPTY, bytes(value), RequestOptions.DEFAULT)
                        .whenComplete((c, e) -> {
                            inFlight--;
                            if (e == null) {
                                acked.put(key, value);
                            } else {
                                failedWrites++;
                            }
                        });
                scheduler.schedule(this, everyMillis);
            }
        }, everyMillis);
    }

    void stopWrites() {
        writing = false;
        runUntil(() -> inFlight == 0, 60_000, "in-flight writes to finish");
    }

    /** Runs virtual time in 50 ms steps until {@code done}; fails after {@code maxMillis}. */
    void runUntil(BooleanSupplier done, long maxMillis, String what) {
        long end = scheduler.clock().millis() + maxMillis;
        while (!done.getAsBoolean()) {
            if (scheduler.clock().millis() >= end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            scheduler.runFor(50);
        }
    }

    <T> T await(CompletableFuture<T> f, long maxMillis, String what) {
        runUntil(f::isDone, maxMillis, what);
        return f.join();
    }

    /** True when node {@code id}'s table holds {@code value} under {@code key}. */
    boolean holds(String id, Ring ring, String key, String value) {
        Table t = nodes.get(id).table(T);
        int p = ring.partitionOf(bytes(key), t.partitioner());
        for (Version v : t.store().get(p, bytes(key)).versions()) {
            if (!v.tombstone() && new String(v.value(), StandardCharsets.UTF_8).equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** Number of keys stored in node {@code id}'s table. */
    long keyCount(String id) {
        long[] n = {0};
        nodes.get(id).table(T).store().scanRange(null, null, kv -> {
            n[0]++;
            return true;
        });
        return n[0];
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        members.values().forEach(Membership::close);
        nodes.values().forEach(DynamoNode::close);
    }
}
