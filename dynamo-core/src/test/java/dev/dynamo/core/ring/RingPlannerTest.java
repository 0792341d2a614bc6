package dev.dynamo.core.ring;

import static dev.dynamo.core.ring.RingAssertions.assertBalanced;
import static dev.dynamo.core.ring.RingAssertions.fewestMoves;
import static dev.dynamo.core.ring.RingAssertions.loads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RingPlannerTest {

    private static final int[] QS = {8, 64, 256, 1024};
    private static final RingPlanner PLANNER = new RingPlanner();

    private static List<NodeInfo> equalNodes(int s) {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < s; i++) {
            nodes.add(NodeInfo.of(String.format("n%02d", i)));
        }
        return nodes;
    }

    /** Capacities between 0.5 and 4 in steps of 0.5, from a fixed seed. */
    private static List<NodeInfo> weightedNodes(int s, long seed) {
        Random random = new Random(seed);
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < s; i++) {
            nodes.add(new NodeInfo(String.format("n%02d", i), null, 0.5 * (1 + random.nextInt(8))));
        }
        return nodes;
    }

    private static List<NodeInfo> with(List<NodeInfo> nodes, NodeInfo extra) {
        List<NodeInfo> result = new ArrayList<>(nodes);
        result.add(extra);
        return result;
    }

    @Test
    void initialIsBalancedByWeightForEverySizeAndQ() {
        for (int q : QS) {
            for (int s = 1; s <= 20; s++) {
                List<NodeInfo> nodes = weightedNodes(s, 31L * q + s);
                Ring ring = PLANNER.initial(q, nodes);
                assertEquals(1, ring.version());
                assertEquals(q, ring.q());
                assertBalanced(ring, nodes);
                Map<String, Integer> targets = RingPlanner.targets(q, nodes);
                assertEquals(targets, loads(ring), "initial meets the largest-remainder targets exactly");
                assertBalanced(PLANNER.initial(q, equalNodes(s)), equalNodes(s));
            }
        }
    }

    @Test
    void targetsAreLargestRemainder() {
        List<NodeInfo> nodes = List.of(new NodeInfo("a", null, 1), new NodeInfo("b", null, 1),
                new NodeInfo("c", null, 1));
        assertEquals(Map.of("a", 4, "b", 3, "c", 3), RingPlanner.targets(10, nodes)); // ties to the smaller id
        assertEquals(Map.of("x", 2, "y", 6), RingPlanner.targets(8, List.of(new NodeInfo("y", null, 3),
                new NodeInfo("x", null, 1))));
        // 7·0.5/1.75 = 2, 7·0.25/1.75 = 1, 7·1/1.75 = 4: exact quotas despite floating point
        assertEquals(Map.of("a", 2, "b", 1, "c", 4), RingPlanner.targets(7, List.of(new NodeInfo("a", null, 0.5),
                new NodeInfo("b", null, 0.25), new NodeInfo("c", null, 1))));
        // extreme capacity ratios neither overflow nor lose partitions
        Map<String, Integer> extreme = RingPlanner.targets(1024, List.of(new NodeInfo("big", null, Double.MAX_VALUE),
                new NodeInfo("huge", null, Double.MAX_VALUE), new NodeInfo("tiny", null, Double.MIN_VALUE)));
        assertEquals(Map.of("big", 512, "huge", 512, "tiny", 0), extreme);
    }

    @Test
    void preferenceListsOfPlannedRingsHaveNDistinctNodes() {
        for (int q : QS) {
            for (int s = 1; s <= 20; s++) {
                Ring ring = PLANNER.initial(q, weightedNodes(s, s));
                int owning = (int) ring.nodes().stream().filter(n -> !ring.partitionsOf(n.id()).isEmpty()).count();
                for (int n = 1; n <= 5; n++) {
                    for (int p = 0; p < q; p++) {
                        List<String> list = ring.preferenceList(p, n);
                        assertEquals(Math.min(n, owning), list.size());
                        assertEquals(list.size(), new HashSet<>(list).size());
                    }
                }
            }
        }
    }

    /**
     * Equal capacities and more nodes than the spread (3): every window of three
     * consecutive partitions has three owners, so a preference list for N = 3 is the next
     * three partitions and every node holds three times its share of replicas.
     */
    @Test
    void neighboursDifferSoPreferenceListsAreShort() {
        for (int q : new int[] {64, 256, 1024}) {
            for (int s = 4; s <= 20; s++) {
                Ring ring = PLANNER.initial(q, equalNodes(s));
                for (int p = 0; p < q; p++) {
                    Set<String> window = new HashSet<>(
                            List.of(ring.ownerOf(p), ring.ownerOf((p + 1) % q), ring.ownerOf((p + 2) % q)));
                    assertEquals(3, window.size(), "q=" + q + " s=" + s + " p=" + p);
                }
            }
        }
        // three nodes and 3 ∤ q: a period-3 cycle cannot close, one seam remains
        Ring three = PLANNER.initial(256, equalNodes(3));
        int clashes = 0;
        for (int p = 0; p < 256; p++) {
            clashes += three.ownerOf(p).equals(three.ownerOf((p + 1) % 256)) ? 1 : 0;
        }
        assertTrue(clashes <= 1, "clashes " + clashes);
    }

    @Test
    void aJoinMovesExactlyTheNewNodesTargetAndOnlyToIt() {
        for (int q : QS) {
            for (int s = 1; s <= 20; s++) {
                List<NodeInfo> nodes = equalNodes(s);
                Ring ring = PLANNER.initial(q, nodes);
                List<NodeInfo> after = with(nodes, NodeInfo.of("new"));
                RingPlan plan = PLANNER.plan(ring, after);
                int target = plan.ring().partitionsOf("new").size();
                assertTrue(target == q / (s + 1) || target == (q + s) / (s + 1), "about q/(s+1)");
                assertEquals(target, plan.moves().size(), "q=" + q + " s=" + s);
                assertTrue(plan.moves().stream().allMatch(m -> m.to().equals("new")));
                assertEquals(ring.version() + 1, plan.ring().version());
                assertBalanced(plan.ring(), after);
                assertConsistent(ring, plan);
            }
        }
    }

    @Test
    void aLeaveMovesExactlyTheLeavingNodesPartitions() {
        for (int q : QS) {
            for (int s = 2; s <= 20; s++) {
                List<NodeInfo> nodes = equalNodes(s);
                Ring ring = PLANNER.initial(q, nodes);
                for (int leaving : new int[] {0, s / 2, s - 1}) {
                    List<NodeInfo> after = new ArrayList<>(nodes);
                    String gone = after.remove(leaving).id();
                    RingPlan plan = PLANNER.plan(ring, after);
                    assertEquals(ring.partitionsOf(gone).size(), plan.moves().size(), "q=" + q + " s=" + s);
                    assertTrue(plan.moves().stream().allMatch(m -> m.from().equals(gone)));
                    assertTrue(!plan.ring().contains(gone));
                    assertBalanced(plan.ring(), after);
                    assertConsistent(ring, plan);
                }
            }
        }
    }

    /** Not promised for every history, but true of joins and leaves on planned rings like these. */
    @Test
    void joinsAndLeavesWithMixedCapacitiesStayMinimalAndDirect() {
        Random random = new Random(42);
        for (int trial = 0; trial < 300; trial++) {
            int q = QS[random.nextInt(QS.length)];
            List<NodeInfo> nodes = weightedNodes(1 + random.nextInt(20), random.nextLong());
            Ring ring = PLANNER.initial(q, nodes);
            List<NodeInfo> joined = with(nodes, new NodeInfo("new", null, 0.5 * (1 + random.nextInt(8))));
            RingPlan join = PLANNER.plan(ring, joined);
            assertEquals(join.ring().partitionsOf("new").size(), join.moves().size());
            assertEquals(fewestMoves(ring, joined), join.moves().size());
            assertBalanced(join.ring(), joined);
            if (nodes.size() > 1) {
                List<NodeInfo> left = new ArrayList<>(nodes);
                String gone = left.remove(random.nextInt(left.size())).id();
                RingPlan leave = PLANNER.plan(ring, left);
                assertEquals(ring.partitionsOf(gone).size(), leave.moves().size());
                assertBalanced(leave.ring(), left);
            }
        }
    }

    @Test
    void aCapacityChangeMovesOnlyTheDifference() {
        List<NodeInfo> nodes = equalNodes(4);
        Ring ring = PLANNER.initial(1024, nodes);
        List<NodeInfo> after = new ArrayList<>(nodes);
        after.set(1, after.get(1).withCapacity(2)); // n01: 256 -> 1024·2/5 = 409.6
        RingPlan plan = PLANNER.plan(ring, after);
        int gained = plan.ring().partitionsOf("n01").size() - 256;
        assertTrue(gained == 153 || gained == 154, "gained " + gained);
        assertEquals(gained, plan.moves().size());
        assertTrue(plan.moves().stream().allMatch(m -> m.to().equals("n01")));
        assertEquals(fewestMoves(ring, after), plan.moves().size());
        assertBalanced(plan.ring(), after);

        RingPlan back = PLANNER.plan(plan.ring(), nodes);
        assertEquals(gained, back.moves().size());
        assertTrue(back.moves().stream().allMatch(m -> m.from().equals("n01")));
        assertBalanced(back.ring(), nodes);
    }

    @Test
    void anUnchangedClusterMovesNothingButTakesNewAddresses() {
        List<NodeInfo> nodes = weightedNodes(7, 7);
        Ring ring = PLANNER.initial(256, nodes);
        List<NodeInfo> moved = new ArrayList<>();
        for (NodeInfo n : nodes) {
            moved.add(n.withAddress("host-" + n.id() + ":7000"));
        }
        RingPlan plan = PLANNER.plan(ring, moved);
        assertEquals(List.of(), plan.moves());
        assertEquals(2, plan.ring().version());
        assertEquals("host-n03:7000", plan.ring().node("n03").orElseThrow().address());
        for (int p = 0; p < 256; p++) {
            assertEquals(ring.ownerOf(p), plan.ring().ownerOf(p));
        }
    }

    @Test
    void isDeterministicAndIgnoresInputOrder() {
        List<NodeInfo> nodes = weightedNodes(9, 9);
        List<NodeInfo> shuffled = new ArrayList<>(nodes);
        Collections.shuffle(shuffled, new Random(1));
        Ring ring = PLANNER.initial(1024, nodes);
        assertEquals(ring, PLANNER.initial(1024, shuffled));
        assertEquals(ring, new RingPlanner().initial(1024, nodes));
        List<NodeInfo> after = with(nodes.subList(2, 9), new NodeInfo("x", null, 3));
        List<NodeInfo> afterShuffled = new ArrayList<>(after);
        Collections.shuffle(afterShuffled, new Random(2));
        RingPlan plan = PLANNER.plan(ring, after);
        assertEquals(plan, PLANNER.plan(ring, afterShuffled));
        assertEquals(plan, PLANNER.plan(Ring.decode(ring.encode()), after));
    }

    @Test
    void moreNodesThanPartitionsLeavesSomeEmpty() {
        Ring ring = PLANNER.initial(8, equalNodes(20));
        assertBalanced(ring, equalNodes(20));
        assertEquals(20, ring.nodes().size());
        assertEquals(8, ring.preferenceList(0, 20).size());
        assertEquals(1, PLANNER.initial(1, equalNodes(3)).preferenceList(0, 3).size());
    }

    @Test
    void spreadOneStillBalances() {
        Ring ring = new RingPlanner(1).initial(64, weightedNodes(5, 5));
        assertBalanced(ring, weightedNodes(5, 5));
    }

    @Test
    void rejectsBadInput() {
        assertEquals("q must be in [1, 1048576], was 0", assertThrows(IllegalArgumentException.class,
                () -> PLANNER.initial(0, equalNodes(2))).getMessage());
        assertEquals("nodes must not be empty", assertThrows(IllegalArgumentException.class,
                () -> PLANNER.initial(8, List.of())).getMessage());
        assertEquals("duplicate node id 'a'", assertThrows(IllegalArgumentException.class,
                () -> PLANNER.initial(8, List.of(NodeInfo.of("a"), new NodeInfo("a", null, 2)))).getMessage());
        Ring ring = PLANNER.initial(8, equalNodes(2));
        assertEquals("nodes must not be empty", assertThrows(IllegalArgumentException.class,
                () -> PLANNER.plan(ring, List.of())).getMessage());
        assertEquals("spread must be >= 1, was 0", assertThrows(IllegalArgumentException.class,
                () -> new RingPlanner(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PartitionMove(1, "a", "a"));
        assertThrows(IllegalArgumentException.class, () -> new PartitionMove(-1, "a", "b"));
    }

    /** The plan's ring is the old ring with exactly the listed moves applied. */
    static void assertConsistent(Ring before, RingPlan plan) {
        Ring after = plan.ring();
        int previous = -1;
        Set<Integer> moved = new HashSet<>();
        for (PartitionMove move : plan.moves()) {
            assertTrue(move.partition() > previous, "ascending");
            previous = move.partition();
            moved.add(move.partition());
            assertEquals(before.ownerOf(move.partition()), move.from());
            assertEquals(after.ownerOf(move.partition()), move.to());
        }
        for (int p = 0; p < before.q(); p++) {
            if (!moved.contains(p)) {
                assertEquals(before.ownerOf(p), after.ownerOf(p), "partition " + p + " changed without a move");
            }
        }
    }
}
