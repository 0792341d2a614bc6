package dev.dynamo.core.membership;

import static dev.dynamo.testing.Utf8.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.testing.TestCluster;
import dev.dynamo.testing.TimeKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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

    @Test
    void joinAndLeaveOnRealThreadsUnderWrites() throws Exception {
        try (TestCluster c = TestCluster.builder().nodes(4).partitions(32).seed(1).time(TimeKind.REAL).dataDir(dir)
                .membership(CONFIG).table(TABLE).build()) {
            Map<String, String> acked = new LinkedHashMap<>();
            int[] next = {0};
            CompletableFuture<Void> preload = new CompletableFuture<>();
            while (next[0] < 300) { // data to move: bounded by the key count
                writeUntil(c, preload, acked, next, List.of("n1", "n2", "n3", "n4"), 1);
            }
            Membership n5 = c.addNode("n5", "n1");
            CompletableFuture<Void> join = n5.join();
            writeUntil(c, join, acked, next, List.of("n1", "n2", "n3", "n4"), Integer.MAX_VALUE);
            join.get(60, TimeUnit.SECONDS);
            // n2 refuses to leave while it still sees the join running
            c.runUntil(() -> !c.membership("n2").progress().active(), 30_000, "n2 to see the join finished");
            CompletableFuture<Void> leave = c.membership("n2").leave();
            writeUntil(c, leave, acked, next, List.of("n1", "n3", "n4", "n5"), Integer.MAX_VALUE);
            leave.get(60, TimeUnit.SECONDS);

            List<String> live = List.of("n1", "n3", "n4", "n5");
            c.runUntil(() -> live.stream().map(id -> c.node(id).cluster().ring()).distinct().count() == 1
                    && live.stream().allMatch(id -> !c.membership(id).progress().active()), 30_000,
                    "one ring and no change running on every live node");
            Ring last = c.node("n1").cluster().ring();
            List<String> all = List.of("n1", "n2", "n3", "n4", "n5");
            // cleanup runs once every node routes with the last ring; give it a bounded wait
            c.runUntil(() -> misplaced(c, acked, last, all).isEmpty(), 30_000,
                    "every acknowledged key on exactly its preference nodes");
            assertEquals(List.of(), misplaced(c, acked, last, all));
            assertTrue(acked.size() > 300, "writes went on during the moves: " + acked.size());
            System.out.println("real threads: " + acked.size() + " writes acknowledged (300 before, the rest"
                    + " during a join and a leave), every key on exactly its preference nodes");
        }
    }

    /**
     * Writes new keys one after another through the given nodes until {@code until} completes
     * (at most a minute, at most {@code max} writes).
     */
    private static void writeUntil(TestCluster c, CompletableFuture<Void> until, Map<String, String> acked, int[] next,
                                   List<String> via, int max) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; i < max && !until.isDone() && System.nanoTime() < deadline; i++) {
            String key = "k" + next[0]++;
            String value = "v-" + key;
            DynamoNode n = c.node(via.get(next[0] % via.size()));
            try {
                n.put("t", bytes(key), Context.EMPTY, bytes(value), RequestOptions.DEFAULT).get(10, TimeUnit.SECONDS);
                acked.put(key, value);
            } catch (ExecutionException e) {
                // a failed write is allowed (it was not acknowledged); only acknowledged ones must survive
            }
            if (max == Integer.MAX_VALUE) {
                Thread.sleep(2);
            }
        }
    }

    private static List<String> misplaced(TestCluster c, Map<String, String> acked, Ring ring, List<String> check) {
        List<String> out = new ArrayList<>();
        Table t = c.node("n1").table("t");
        acked.forEach((key, value) -> {
            int p = ring.partitionOf(bytes(key), t.partitioner());
            List<String> pref = ring.preferenceList(p, 3);
            for (String id : check) {
                boolean has = StoredKeys.holds(c.node(id), "t", ring, key, value);
                if (has != pref.contains(id) && out.size() < 10) {
                    out.add(key + " " + (has ? "still on " : "missing on ") + id + " (preference " + pref + ")");
                }
            }
        });
        return out;
    }
}
