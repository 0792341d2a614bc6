package dev.dynamo.core.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.ring.Ring;
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
    private static final MembershipConfig CONFIG = MembershipConfig.DEFAULTS.withCleanupDelay(5_000)
            .withTransfers(50, 64 * 1024, 4, 8);

    @TempDir
    Path dir;

    @Test
    void joinLeaveAndRemoveUnderWritesLoseNothingAndPlaceEveryKeyExactly() {
        try (MembershipHarness h = new MembershipHarness(dir, 42, CONFIG)) {
            h.startCluster(5, Q);
            h.startWrites(10);
            h.runUntil(() -> false == h.acked.isEmpty() && h.scheduler.clock().millis() > 0, 10_000, "first writes");
            h.scheduler.runFor(10_000);
            StringBuilder report = new StringBuilder();

            // a sixth node joins through seed n1
            Membership n6 = h.startNew("n6", "n1");
            int before = h.acked.size();
            h.await(n6.join(), 600_000, "n6 to join");
            RebalanceProgress join = n6.progress();
            report.append(String.format("join n6: %d of %d partitions moved (Q/S = %.1f), n6 received %d"
                    + " (table, partition) copies, %d keys, %d bytes; %d writes acknowledged meanwhile%n",
                    join.partitionsDone(), Q, Q / 6.0, join.transfersDone(), join.keys(), join.bytes(),
                    h.acked.size() - before));
            assertEquals(join.partitionsTotal(), join.partitionsDone());
            assertTrue(Math.abs(join.partitionsTotal() - Q / 6.0) <= 2, "a join moves about Q/S partitions: "
                    + join.partitionsTotal());
            assertEquals(Q / 6, h.nodes.get("n6").cluster().ring().partitionsOf("n6").size(), 1.0);
            h.writeThrough("n6", true);
            h.scheduler.runFor(10_000);

            // n2 leaves
            h.writeThrough("n2", false);
            before = h.acked.size();
            h.await(h.members.get("n2").leave(), 600_000, "n2 to leave");
            RebalanceProgress leave = h.members.get("n1").progress();
            report.append(String.format("leave n2: %d partitions moved; %d writes acknowledged meanwhile%n",
                    leave.partitionsTotal(), h.acked.size() - before));
            assertTrue(Math.abs(leave.partitionsTotal() - Q / 6.0) <= 2, "a leave moves about Q/S partitions: "
                    + leave.partitionsTotal());
            h.scheduler.runFor(10_000);

            // n4 dies and is removed
            h.writeThrough("n4", false);
            h.network.crash("n4");
            h.runUntil(() -> List.of("n1", "n3", "n5", "n6").stream()
                    .allMatch(id -> h.nodes.get(id).failureDetector().suspected().contains("n4")), 60_000,
                    "n4 to be suspected");
            before = h.acked.size();
            var removal = h.members.get("n1").remove("n4");
            h.scheduler.runFor(100);
            long removalId = h.members.get("n1").progress().transitionId();
            // asked again meanwhile (an impatient operator): it joins the change under way
            var again = h.members.get("n1").remove("n4");
            h.await(removal, 600_000, "n4 to be removed");
            h.await(again, 60_000, "the second remove to complete too");
            RebalanceProgress remove = h.members.get("n1").progress();
            assertEquals(removalId, remove.transitionId(), "the second remove started no new change");
            report.append(String.format("remove n4: %d partitions moved; %d writes acknowledged meanwhile%n",
                    remove.partitionsTotal(), h.acked.size() - before));
            h.scheduler.runFor(5_000);
            h.stopWrites();

            // every live node routes with the same ring, then cleans up what it no longer replicates
            List<String> live = List.of("n1", "n3", "n5", "n6");
            h.runUntil(() -> live.stream().map(id -> h.nodes.get(id).cluster().ring()).distinct().count() == 1,
                    60_000, "one ring everywhere");
            Ring ring = h.nodes.get("n1").cluster().ring();
            assertEquals(Set.of("n1", "n3", "n5", "n6"), ids(ring));
            h.scheduler.runFor(CONFIG.cleanupDelayMillis() + 10 * CONFIG.gossipIntervalMillis());

            List<String> checked = new ArrayList<>(live);
            checked.add("n2"); // it left but still runs: it must have deleted everything
            List<String> problems = new ArrayList<>();
            h.acked.forEach((key, value) -> {
                int p = ring.partitionOf(MembershipHarness.bytes(key),
                        h.nodes.get("n1").table(MembershipHarness.T).partitioner());
                List<String> pref = ring.preferenceList(p, 3);
                for (String id : checked) {
                    boolean has = h.holds(id, ring, key, value);
                    if (has != pref.contains(id) && problems.size() < 20) {
                        problems.add(key + " (partition " + p + ", preference " + pref + ") "
                                + (has ? "still on " : "missing on ") + id);
                    }
                }
            });
            report.append(String.format("%d writes acknowledged, %d failed; keys per node: n1=%d n3=%d n5=%d n6=%d"
                    + " n2=%d%n", h.acked.size(), h.failedWrites, h.keyCount("n1"), h.keyCount("n3"),
                    h.keyCount("n5"), h.keyCount("n6"), h.keyCount("n2")));
            System.out.print(report);
            assertEquals(List.of(), problems, "every acknowledged key on exactly its preference nodes");
            assertTrue(h.acked.size() > 1_000, "the writer kept writing: " + h.acked.size());
            assertEquals(0, h.keyCount("n2"), "the node that left holds nothing");
            live.forEach(id -> assertEquals(null, h.nodes.get(id).background().hints().pending().get("n4"),
                    id + " handed its hints for removed n4 to the keys' replicas"));
            live.forEach(id -> assertEquals(NodeStatus.REMOVED, h.members.get(id).state().member("n4").status(),
                    id + " shows n4 removed"));
            live.forEach(id -> assertEquals(NodeStatus.NORMAL, h.members.get(id).state().member("n6").status(),
                    id + " shows n6 normal"));
            assertEquals(NodeStatus.REMOVED, h.members.get("n1").state().member("n2").status(), "n2 left");
        }
    }

    @Test
    void interruptedTransfersResumeFromTheLastKeyReceived() {
        // chunks of 5 keys, all moves in one step; a lossy network interrupts many pulls
        MembershipConfig lossy = CONFIG.withTransfers(5, 64 * 1024, 2, 64);
        try (MembershipHarness h = new MembershipHarness(dir, 7, lossy)) {
            h.startCluster(3, 32);
            h.startWrites(2);
            h.scheduler.runFor(4_000);
            h.stopWrites();
            Membership n4 = h.startNew("n4", "n1");
            h.network.setDropProbability(0.2);
            h.await(n4.join(), 600_000, "n4 to join over a lossy network");
            h.network.setDropProbability(0);
            RebalanceProgress p = n4.progress();
            System.out.printf("lossy join of n4: %d copies, %d keys, %d bytes, %d interrupted pulls resumed%n",
                    p.transfersDone(), p.keys(), p.bytes(), p.retries());
            assertTrue(p.retries() > 0, "the lossy network interrupted some pulls");
            // a resumed pull goes on after the last key it received: no key arrives twice
            assertEquals(h.keyCount("n4"), p.keys());
            Ring ring = h.nodes.get("n4").cluster().ring();
            int[] replicated = {0};
            h.acked.forEach((key, value) -> {
                int partition = ring.partitionOf(MembershipHarness.bytes(key),
                        h.nodes.get("n4").table(MembershipHarness.T).partitioner());
                if (ring.preferenceList(partition, 3).contains("n4")) {
                    replicated[0]++;
                    assertTrue(h.holds("n4", ring, key, value), key + " reached n4");
                }
            });
            assertEquals(replicated[0], h.keyCount("n4"));
            assertTrue(replicated[0] > 100, "n4 replicates a fair share: " + replicated[0]);
        }
    }

    @Test
    void aJoiningNodeThatDiesMidwayIsRemovedWithoutLosingWrites() {
        // two partitions per step: the join takes several steps, so n6 can die halfway
        try (MembershipHarness h = new MembershipHarness(dir, 13, CONFIG.withTransfers(50, 64 * 1024, 4, 2))) {
            h.startCluster(5, 64);
            h.startWrites(10);
            h.scheduler.runFor(10_000);
            Membership n6 = h.startNew("n6", "n1");
            var join = n6.join();
            // n6 dies once it owns some partitions, before the join is complete
            h.runUntil(() -> h.nodes.get("n6").cluster().ring().version() > 1
                    && h.nodes.get("n6").cluster().ring().partitionsOf("n6").size() > 0, 300_000,
                    "n6 to own its first partitions");
            assertTrue(n6.progress().active(), "the join is still under way");
            h.network.crash("n6");
            h.runUntil(() -> h.nodes.get("n1").failureDetector().suspected().contains("n6"), 60_000,
                    "n6 to be suspected");
            h.await(h.members.get("n1").remove("n6"), 600_000, "n6 to be removed");
            assertTrue(!join.isDone() || join.isCompletedExceptionally() || !h.nodes.get("n1").cluster().ring()
                    .contains("n6"), "the join did not succeed");
            h.scheduler.runFor(5_000);
            h.stopWrites();
            List<String> live = List.of("n1", "n2", "n3", "n4", "n5");
            h.runUntil(() -> live.stream().map(id -> h.nodes.get(id).cluster().ring()).distinct().count() == 1,
                    60_000, "one ring everywhere");
            Ring ring = h.nodes.get("n1").cluster().ring();
            assertEquals(Set.of("n1", "n2", "n3", "n4", "n5"), ids(ring));
            h.scheduler.runFor(CONFIG.cleanupDelayMillis() + 10 * CONFIG.gossipIntervalMillis());
            List<String> problems = new ArrayList<>();
            h.acked.forEach((key, value) -> {
                int p = ring.partitionOf(MembershipHarness.bytes(key),
                        h.nodes.get("n1").table(MembershipHarness.T).partitioner());
                List<String> pref = ring.preferenceList(p, 3);
                for (String id : live) {
                    if (h.holds(id, ring, key, value) != pref.contains(id) && problems.size() < 20) {
                        problems.add(key + " (preference " + pref + ") " + (pref.contains(id) ? "missing on " : "still on ")
                                + id);
                    }
                }
            });
            System.out.printf("join of n6 abandoned by removing it: %d writes acknowledged, all on exactly their"
                    + " preference nodes%n", h.acked.size());
            assertEquals(List.of(), problems);
            assertTrue(h.acked.size() > 1_000);
        }
    }

    private static Set<String> ids(Ring ring) {
        Set<String> out = new TreeSet<>();
        ring.nodes().forEach(n -> out.add(n.id()));
        return out;
    }
}
