package dev.dynamo.core.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.dynamo.core.time.SystemScheduler;
import dev.dynamo.core.transport.local.LocalNetwork;
import dev.dynamo.core.transport.local.LocalTransport;
import dev.dynamo.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same join and leave on real threads (a system scheduler: gossip, transfers, writes and
 * request handling run concurrently), to catch races and deadlocks the virtual clock cannot
 * show. Correctness only: no timing is asserted, waits are bounded.
 */
class RealTimeRebalanceTest {
    private static final MembershipConfig CONFIG = new MembershipConfig(100, 1_000, 8.0, 50, 1_000, 100, 3, 200,
            20, 16 * 1024, 2, 4, 300);
    private static final TableConfig TABLE = TableConfig.of("t", 3, 2, 2, "memory", KeepAllTestReconcilerProvider.NAME);

    @TempDir
    Path dir;

    private final Map<String, DynamoNode> nodes = new LinkedHashMap<>();
    private final Map<String, Membership> members = new LinkedHashMap<>();

    @Test
    void joinAndLeaveOnRealThreadsUnderWrites() throws Exception {
        try (SystemScheduler scheduler = new SystemScheduler("membership-test", 4)) {
            LocalNetwork network = new LocalNetwork(scheduler, 1);
            List<NodeInfo> infos = new ArrayList<>();
            List<Message.NodeAddress> addresses = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                infos.add(NodeInfo.of("n" + i));
                addresses.add(MembershipHarness.address("n" + i));
            }
            Ring ring = new RingPlanner().initial(32, infos);
            try {
                for (NodeInfo info : infos) {
                    start(info.id(), ClusterState.of(ring, addresses), network, scheduler);
                }
                Map<String, String> acked = new LinkedHashMap<>();
                int[] next = {0};
                CompletableFuture<Void> preload = new CompletableFuture<>();
                while (next[0] < 300) { // data to move: bounded by the key count
                    writeUntil(preload, acked, next, List.of("n1", "n2", "n3", "n4"), 1);
                }
                Membership n5 = start("n5", ClusterState.of(Membership.placeholderRing("n5"),
                        List.of(MembershipHarness.address("n5"))), network, scheduler);
                CompletableFuture<Void> join = n5.join();
                writeUntil(join, acked, next, List.of("n1", "n2", "n3", "n4"), Integer.MAX_VALUE);
                join.get(60, TimeUnit.SECONDS);
                // n2 refuses to leave while it still sees the join running
                waitFor(() -> !members.get("n2").progress().active());
                CompletableFuture<Void> leave = members.get("n2").leave();
                writeUntil(leave, acked, next, List.of("n1", "n3", "n4", "n5"), Integer.MAX_VALUE);
                leave.get(60, TimeUnit.SECONDS);

                List<String> live = List.of("n1", "n3", "n4", "n5");
                waitFor(() -> live.stream().map(id -> nodes.get(id).cluster().ring()).distinct().count() == 1
                        && live.stream().allMatch(id -> !members.get(id).progress().active()));
                Ring last = nodes.get("n1").cluster().ring();
                // cleanup runs once every node routes with the last ring; give it a bounded wait
                waitFor(() -> misplaced(acked, last, List.of("n1", "n2", "n3", "n4", "n5")).isEmpty());
                assertEquals(List.of(), misplaced(acked, last, List.of("n1", "n2", "n3", "n4", "n5")));
                assertTrue(acked.size() > 300, "writes went on during the moves: " + acked.size());
                System.out.println("real threads: " + acked.size() + " writes acknowledged (300 before, the rest"
                        + " during a join and a leave), every key on exactly its preference nodes");
            } finally {
                members.values().forEach(Membership::close);
                nodes.values().forEach(DynamoNode::close);
            }
        }
    }

    private Membership start(String id, ClusterState cluster, LocalNetwork network, SystemScheduler scheduler) {
        LocalTransport transport = network.transport(id);
        DynamoNode node = new DynamoNode(new NodeConfig(id, "127.0.0.1", 0, 0, dir.resolve(id), 1.0, 10),
                List.of(TABLE), cluster, transport, scheduler, RequestObserver.NONE, InJvmCluster.DEFAULT_OPTIONS,
                PhiAccrualFailureDetector.of(scheduler.clock(), CONFIG));
        transport.start(node);
        nodes.put(id, node);
        Membership m = new Membership(MembershipHarness.address(id), List.of("n1"), CONFIG, transport, scheduler, node);
        members.put(id, m);
        m.start();
        return m;
    }

    /**
     * Writes new keys one after another through the given nodes until {@code until} completes
     * (at most a minute, at most {@code max} writes).
     */
    private void writeUntil(CompletableFuture<Void> until, Map<String, String> acked, int[] next, List<String> via,
                            int max) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; i < max && !until.isDone() && System.nanoTime() < deadline; i++) {
            String key = "k" + next[0]++;
            String value = "v-" + key;
            DynamoNode n = nodes.get(via.get(next[0] % via.size()));
            try {
                n.put("t", key.getBytes(StandardCharsets.UTF_8), Context.EMPTY, value.getBytes(StandardCharsets.UTF_8),
                        RequestOptions.DEFAULT).get(10, TimeUnit.SECONDS);
                acked.put(key, value);
            } catch (java.util.concurrent.ExecutionException e) {
                // a failed write is allowed (it was not acknowledged); only acknowledged ones must survive
            }
            if (max == Integer.MAX_VALUE) {
                Thread.sleep(2);
            }
        }
    }

    private List<String> misplaced(Map<String, String> acked, Ring ring, List<String> check) {
        List<String> out = new ArrayList<>();
        acked.forEach((key, value) -> {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            Table t = nodes.get("n1").table("t");
            int p = ring.partitionOf(k, t.partitioner());
            List<String> pref = ring.preferenceList(p, 3);
            for (String id : check) {
                boolean has = false;
                for (Version v : nodes.get(id).table("t").store().get(p, k).versions()) {
                    has |= new String(v.value(), StandardCharsets.UTF_8).equals(value);
                }
                if (has != pref.contains(id) && out.size() < 10) {
                    out.add(key + " " + (has ? "still on " : "missing on ") + id + " (preference " + pref + ")");
                }
            }
        });
        return out;
    }

    private static void waitFor(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
