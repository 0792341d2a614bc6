package dev.dynamo.core.coordination;

import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The nodes beyond a key's preference list, in ring order: sloppy-quorum substitutes
 * (paper §4.6) are taken from here, skipping suspected ones. A substitute of the replaced
 * node's zone comes first: the hint then stays in that zone (no cross-zone traffic to hand
 * it back) and the write keeps a copy in the zone it was meant for, so losing another zone
 * does not take it. One per request; its slots draw from it concurrently.
 */
final class Substitutes {
    private final ReplicaSelector selector;
    private final Ring ring;
    /** Candidates in ring order; taken and unusable ones are removed. */
    private final List<String> queue = new ArrayList<>();

    /** @param excluded a node never offered (null: none) */
    Substitutes(ReplicaSelector selector, ClusterState state, int partition, List<String> pref, String excluded) {
        this.selector = selector;
        this.ring = state.ring();
        List<String> all = state.ring().preferenceList(partition, Math.max(1, state.ring().nodes().size()));
        for (String node : all) {
            if (!pref.contains(node) && !node.equals(excluded)) {
                queue.add(node);
            }
        }
    }

    /**
     * The next usable substitute for preference node {@code replaced}: the first in ring
     * order of its zone, else the first of any zone; null when none is left.
     */
    synchronized String next(String replaced) {
        String zone = ring.zoneOf(replaced).orElse(NodeInfo.DEFAULT_ZONE);
        String fallback = null;
        for (Iterator<String> it = queue.iterator(); it.hasNext(); ) {
            String node = it.next();
            if (!selector.isUsable(node)) {
                it.remove();
            } else if (zone.equals(ring.zoneOf(node).orElse(NodeInfo.DEFAULT_ZONE))) {
                it.remove();
                return node;
            } else if (fallback == null) {
                fallback = node;
            }
        }
        if (fallback != null) {
            queue.remove(fallback);
        }
        return fallback;
    }
}
