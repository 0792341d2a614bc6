package dev.dynamo.core.ring;

import static dev.dynamo.core.ring.RingAssertions.assertBalanced;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ring at the sizes of a real deployment: Q = 1024, S = 3..50 nodes with equal and
 * with unequal capacities. Every partition has N = 3 distinct owners, every node owns
 * within ±1 of its weighted share, and a joining node takes partitions only for itself,
 * about Q/(S+1) of them.
 */
class RingScaleTest {
    private static final int Q = 1024;
    private static final int N = 3;
    private static final RingPlanner PLANNER = new RingPlanner(N);

    @Test
    void equalCapacities() {
        for (int s = 3; s <= 50; s++) {
            check(nodes(s, false), "equal");
        }
    }

    @Test
    void unequalCapacities() {
        for (int s = 3; s <= 50; s++) {
            check(nodes(s, true), "unequal");
        }
    }

    private static void check(List<NodeInfo> nodes, String kind) {
        int s = nodes.size();
        Ring ring = PLANNER.initial(Q, nodes);
        assertBalanced(ring, nodes);
        for (int p = 0; p < Q; p++) {
            List<String> pref = ring.preferenceList(p, N);
            assertEquals(N, pref.size(), kind + " s=" + s + " p=" + p);
            assertEquals(N, new HashSet<>(pref).size(), kind + " s=" + s + " p=" + p + ": " + pref);
        }

        List<NodeInfo> grown = new ArrayList<>(nodes);
        NodeInfo newcomer = new NodeInfo("new", null, 1.0);
        grown.add(newcomer);
        RingPlan plan = PLANNER.plan(ring, grown);
        assertBalanced(plan.ring(), grown);
        for (PartitionMove m : plan.moves()) {
            assertEquals("new", m.to(), kind + " s=" + s + ": a join moves partitions only to the new node: " + m);
        }
        double total = grown.stream().mapToDouble(NodeInfo::capacity).sum();
        double share = Q * newcomer.capacity() / total;
        int moved = plan.moves().size();
        assertTrue(moved >= Math.floor(share) && moved <= Math.ceil(share),
                kind + " s=" + s + ": moved " + moved + ", share " + share);
        if (!"unequal".equals(kind)) {
            assertTrue(Math.abs(moved - Q / (double) (s + 1)) <= 1, "about Q/(S+1): " + moved);
        }
    }

    /** S nodes; unequal ones cycle through capacities 1, 2 and 0.5. */
    private static List<NodeInfo> nodes(int s, boolean unequal) {
        double[] capacities = {1.0, 2.0, 0.5};
        List<NodeInfo> out = new ArrayList<>();
        for (int i = 1; i <= s; i++) {
            out.add(new NodeInfo(String.format("n%02d", i), null, unequal ? capacities[i % 3] : 1.0));
        }
        return out;
    }
}
