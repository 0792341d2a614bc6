package dev.dynamo.core.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks shared by the planner tests, computed independently of the planner. */
final class RingAssertions {

    private RingAssertions() {
    }

    /** Partitions owned per node id (0 for nodes owning nothing). */
    static Map<String, Integer> loads(Ring ring) {
        Map<String, Integer> loads = new HashMap<>();
        for (NodeInfo node : ring.nodes()) {
            loads.put(node.id(), ring.partitionsOf(node.id()).size());
        }
        return loads;
    }

    /** The weighted quota {@code q·w/Σw} of each node. */
    static Map<String, Double> quotas(int q, List<NodeInfo> nodes) {
        double total = nodes.stream().mapToDouble(NodeInfo::capacity).sum();
        Map<String, Double> quotas = new HashMap<>();
        for (NodeInfo node : nodes) {
            quotas.put(node.id(), q * node.capacity() / total);
        }
        return quotas;
    }

    static int floor(double quota) {
        return (int) Math.floor(quota + 1e-9);
    }

    static int ceil(double quota) {
        return (int) Math.ceil(quota - 1e-9);
    }

    /** Every node owns its quota rounded down or up, and the ring has exactly these nodes. */
    static void assertBalanced(Ring ring, List<NodeInfo> nodes) {
        assertEquals(nodes.size(), ring.nodes().size());
        Map<String, Double> quotas = quotas(ring.q(), nodes);
        Map<String, Integer> loads = loads(ring);
        for (NodeInfo node : nodes) {
            double quota = quotas.get(node.id());
            int load = loads.get(node.id());
            assertTrue(load >= floor(quota) && load <= ceil(quota), () -> "node " + node.id() + " owns " + load
                    + " of " + ring.q() + " partitions, quota " + quota + " in " + ring);
        }
    }

    /**
     * The fewest moves any ring over {@code nodes} within ±1 of the quotas needs from
     * {@code current}: a DP over how many nodes are rounded up.
     */
    static int fewestMoves(Ring current, List<NodeInfo> nodes) {
        int q = current.q();
        Map<String, Integer> loads = loads(current);
        int base = 0;
        for (NodeInfo old : current.nodes()) {
            if (nodes.stream().noneMatch(n -> n.id().equals(old.id()))) {
                base += loads.get(old.id()); // a removed node gives everything away
            }
        }
        Map<String, Double> quotas = quotas(q, nodes);
        int floors = 0;
        int infinity = Integer.MAX_VALUE / 2;
        int[] best = new int[nodes.size() + 1]; // best[j]: least cost with j nodes rounded up
        java.util.Arrays.fill(best, infinity);
        best[0] = 0;
        for (NodeInfo node : nodes) {
            double quota = quotas.get(node.id());
            int load = loads.getOrDefault(node.id(), 0);
            int lo = floor(quota);
            int hi = ceil(quota);
            floors += lo;
            int[] next = new int[best.length];
            java.util.Arrays.fill(next, infinity);
            for (int j = 0; j < best.length; j++) {
                if (best[j] == infinity) {
                    continue;
                }
                next[j] = Math.min(next[j], best[j] + Math.max(0, load - lo));
                if (hi > lo && j + 1 < best.length) {
                    next[j + 1] = Math.min(next[j + 1], best[j] + Math.max(0, load - hi));
                }
            }
            best = next;
        }
        return base + best[q - floors];
    }
}
