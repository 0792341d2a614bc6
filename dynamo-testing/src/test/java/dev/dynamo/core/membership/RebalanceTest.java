package dev.dynamo.core.membership;

import static dev.dynamo.testing.Utf8.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.testing.TestCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five nodes under continuous writes; a sixth joins, then a node leaves, then a dead node
 * is removed. No acknowledged write is lost, every key ends on exactly its N preference
 * nodes (checked in the engines), and a join moves about Q/S partitions.
 */
class RebalanceTest {
    private static final int Q = 128;
    private static final String T = "t";
    private static final TableConfig TABLE = TableConfig.of(T, 3, 2, 2, "memory", KeepAllTestReconcilerProvider.NAME);
    private static final MembershipConfig CONFIG = MembershipConfig.DEFAULTS.withCleanupDelay(5_000)
            .withTransfers(50, 64 * 1024, 4, 8);

    @TempDir
    Path dir;

    @Test
    void joinLeaveAndRemoveUnderWritesLoseNothingAndPlaceEveryKeyExactly() {
        try (TestCluster c = TestCluster.builder().nodes(5).partitions(Q).seed(42).dataDir(dir)
                .membership(CONFIG).table(TABLE).build()) {
            ContinuousWriter w = new ContinuousWriter(c, T, 42);
            w.start(10);
            c.runUntil(() -> false == w.acked().isEmpty() && c.now() > 0, 10_000, "first writes");
            c.runFor(10_000);
            StringBuilder report = new StringBuilder();

            // a sixth node joins through seed n1
            Membership n6 = c.addNode("n6", "n1");
            int before = w.acked().size();
            c.await(n6.join(), 600_000, "n6 to join");
            RebalanceProgress join = n6.progress();
            report.append(String.format("join n6: %d of %d partitions moved (Q/S = %.1f), n6 received %d"
                    + " (table, partition) copies, %d keys, %d bytes; %d writes acknowledged meanwhile%n",
                    join.partitionsDone(), Q, Q / 6.0, join.transfersDone(), join.keys(), join.bytes(),
                    w.acked().size() - before));
            assertEquals(join.partitionsTotal(), join.partitionsDone());
            assertTrue(Math.abs(join.partitionsTotal() - Q / 6.0) <= 2, "a join moves about Q/S partitions: "
                    + join.partitionsTotal());
            assertEquals(Q / 6, c.node("n6").cluster().ring().partitionsOf("n6").size(), 1.0);
            w.writeThrough("n6", true);
            c.runFor(10_000);

            // n2 leaves
            w.writeThrough("n2", false);
            before = w.acked().size();
            c.await(c.membership("n2").leave(), 600_000, "n2 to leave");
            RebalanceProgress leave = c.membership("n1").progress();
            report.append(String.format("leave n2: %d partitions moved; %d writes acknowledged meanwhile%n",
                    leave.partitionsTotal(), w.acked().size() - before));
            assertTrue(Math.abs(leave.partitionsTotal() - Q / 6.0) <= 2, "a leave moves about Q/S partitions: "
                    + leave.partitionsTotal());
            c.runFor(10_000);

            // n4 dies and is removed
            w.writeThrough("n4", false);
            c.network().crash("n4");
            c.runUntil(() -> List.of("n1", "n3", "n5", "n6").stream()
                    .allMatch(id -> c.node(id).failureDetector().suspected().contains("n4")), 60_000,
                    "n4 to be suspected");
            before = w.acked().size();
            var removal = c.membership("n1").remove("n4");
            c.runFor(100);
            long removalId = c.membership("n1").progress().transitionId();
            // asked again meanwhile (an impatient operator): it joins the change under way
            var again = c.membership("n1").remove("n4");
            c.await(removal, 600_000, "n4 to be removed");
            c.await(again, 60_000, "the second remove to complete too");
            RebalanceProgress remove = c.membership("n1").progress();
            assertEquals(removalId, remove.transitionId(), "the second remove started no new change");
            report.append(String.format("remove n4: %d partitions moved; %d writes acknowledged meanwhile%n",
                    remove.partitionsTotal(), w.acked().size() - before));
            c.runFor(5_000);
            w.stop();

            // every live node routes with the same ring, then cleans up what it no longer replicates
            List<String> live = List.of("n1", "n3", "n5", "n6");
            c.runUntil(() -> live.stream().map(id -> c.node(id).cluster().ring()).distinct().count() == 1,
                    60_000, "one ring everywhere");
            Ring ring = c.node("n1").cluster().ring();
            assertEquals(Set.of("n1", "n3", "n5", "n6"), ids(ring));
            c.runFor(CONFIG.cleanupDelayMillis() + 10 * CONFIG.gossipIntervalMillis());

            List<String> checked = new ArrayList<>(live);
            checked.add("n2"); // it left but still runs: it must have deleted everything
            List<String> problems = new ArrayList<>();
            w.acked().forEach((key, value) -> {
                int p = ring.partitionOf(bytes(key),
                        c.node("n1").table(T).partitioner());
                List<String> pref = ring.preferenceList(p, 3);
                for (String id : checked) {
                    boolean has = StoredKeys.holds(c.node(id), T, ring, key, value);
                    if (has != pref.contains(id) && problems.size() < 20) {
                        problems.add(key + " (partition " + p + ", preference " + pref + ") "
                                + (has ? "still on " : "missing on ") + id);
                    }
                }
            });
            report.append(String.format("%d writes acknowledged, %d failed; keys per node: n1=%d n3=%d n5=%d n6=%d"
                    + " n2=%d%n", w.acked().size(), w.failed(), StoredKeys.count(c.node("n1"), T),
                    StoredKeys.count(c.node("n3"), T), StoredKeys.count(c.node("n5"), T),
                    StoredKeys.count(c.node("n6"), T), StoredKeys.count(c.node("n2"), T)));
            System.out.print(report);
            assertEquals(List.of(), problems, "every acknowledged key on exactly its preference nodes");
            assertTrue(w.acked().size() > 1_000, "the writer kept writing: " + w.acked().size());
            assertEquals(0, StoredKeys.count(c.node("n2"), T), "the node that left holds nothing");
            live.forEach(id -> assertEquals(null, c.node(id).background().hints().pending().get("n4"),
                    id + " handed its hints for removed n4 to the keys' replicas"));
            live.forEach(id -> assertEquals(NodeStatus.REMOVED, c.membership(id).state().member("n4").status(),
                    id + " shows n4 removed"));
            live.forEach(id -> assertEquals(NodeStatus.NORMAL, c.membership(id).state().member("n6").status(),
                    id + " shows n6 normal"));
            assertEquals(NodeStatus.REMOVED, c.membership("n1").state().member("n2").status(), "n2 left");
        }
    }

    @Test
    void interruptedTransfersResumeFromTheLastKeyReceived() {
        // chunks of 5 keys, all moves in one step; a lossy network interrupts many pulls
        MembershipConfig lossy = CONFIG.withTransfers(5, 64 * 1024, 2, 64);
        try (TestCluster c = TestCluster.builder().nodes(3).partitions(32).seed(7).dataDir(dir)
                .membership(lossy).table(TABLE).build()) {
            ContinuousWriter w = new ContinuousWriter(c, T, 7);
            w.start(2);
            c.runFor(4_000);
            w.stop();
            Membership n4 = c.addNode("n4", "n1");
            c.network().setDropProbability(0.2);
            c.await(n4.join(), 600_000, "n4 to join over a lossy network");
            c.network().setDropProbability(0);
            RebalanceProgress p = n4.progress();
            System.out.printf("lossy join of n4: %d copies, %d keys, %d bytes, %d interrupted pulls resumed%n",
                    p.transfersDone(), p.keys(), p.bytes(), p.retries());
            assertTrue(p.retries() > 0, "the lossy network interrupted some pulls");
            // a resumed pull goes on after the last key it received: no key arrives twice
            assertEquals(StoredKeys.count(c.node("n4"), T), p.keys());
            Ring ring = c.node("n4").cluster().ring();
            int[] replicated = {0};
            w.acked().forEach((key, value) -> {
                int partition = ring.partitionOf(bytes(key),
                        c.node("n4").table(T).partitioner());
                if (ring.preferenceList(partition, 3).contains("n4")) {
                    replicated[0]++;
                    assertTrue(StoredKeys.holds(c.node("n4"), T, ring, key, value), key + " reached n4");
                }
            });
            assertEquals(replicated[0], StoredKeys.count(c.node("n4"), T));
            assertTrue(replicated[0] > 100, "n4 replicates a fair share: " + replicated[0]);
        }
    }

    @Test
    void aJoiningNodeThatDiesMidwayIsRemovedWithoutLosingWrites() {
        // two partitions per step: the join takes several steps, so n6 can die halfway
        try (TestCluster c = TestCluster.builder().nodes(5).partitions(64).seed(13).dataDir(dir)
                .membership(CONFIG.withTransfers(50, 64 * 1024, 4, 2)).table(TABLE).build()) {
            ContinuousWriter w = new ContinuousWriter(c, T, 13);
            w.start(10);
            c.runFor(10_000);
            Membership n6 = c.addNode("n6", "n1");
            var join = n6.join();
            // n6 dies once it owns some partitions, before the join is complete
            c.runUntil(() -> c.node("n6").cluster().ring().version() > 1
                    && c.node("n6").cluster().ring().partitionsOf("n6").size() > 0, 300_000,
                    "n6 to own its first partitions");
            assertTrue(n6.progress().active(), "the join is still under way");
            c.network().crash("n6");
            c.runUntil(() -> c.node("n1").failureDetector().suspected().contains("n6"), 60_000,
                    "n6 to be suspected");
            c.await(c.membership("n1").remove("n6"), 600_000, "n6 to be removed");
            assertTrue(!join.isDone() || join.isCompletedExceptionally() || !c.node("n1").cluster().ring()
                    .contains("n6"), "the join did not succeed");
            c.runFor(5_000);
            w.stop();
            List<String> live = List.of("n1", "n2", "n3", "n4", "n5");
            c.runUntil(() -> live.stream().map(id -> c.node(id).cluster().ring()).distinct().count() == 1,
                    60_000, "one ring everywhere");
            Ring ring = c.node("n1").cluster().ring();
            assertEquals(Set.of("n1", "n2", "n3", "n4", "n5"), ids(ring));
            c.runFor(CONFIG.cleanupDelayMillis() + 10 * CONFIG.gossipIntervalMillis());
            List<String> problems = new ArrayList<>();
            w.acked().forEach((key, value) -> {
                int p = ring.partitionOf(bytes(key),
                        c.node("n1").table(T).partitioner());
                List<String> pref = ring.preferenceList(p, 3);
                for (String id : live) {
                    if (StoredKeys.holds(c.node(id), T, ring, key, value) != pref.contains(id) && problems.size() < 20) {
                        problems.add(key + " (preference " + pref + ") " + (pref.contains(id) ? "missing on " : "still on ")
                                + id);
                    }
                }
            });
            System.out.printf("join of n6 abandoned by removing it: %d writes acknowledged, all on exactly their"
                    + " preference nodes%n", w.acked().size());
            assertEquals(List.of(), problems);
            assertTrue(w.acked().size() > 1_000);
        }
    }

    private static Set<String> ids(Ring ring) {
        Set<String> out = new TreeSet<>();
        ring.nodes().forEach(n -> out.add(n.id()));
        return out;
    }
}
