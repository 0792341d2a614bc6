package dev.dynamo.core.coordination;

import dev.dynamo.core.cluster.ClusterState;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The nodes beyond a key's preference list, in ring order: sloppy-quorum substitutes
 * (paper §4.6) are taken from here, skipping suspected ones. One per request; its slots
 * draw from it concurrently.
 */
final class Substitutes {
    private final ReplicaSelector selector;
    private final ArrayDeque<String> queue = new ArrayDeque<>();

    /** @param excluded a node never offered (null: none) */
    Substitutes(ReplicaSelector selector, ClusterState state, int partition, List<String> pref, String excluded) {
        this.selector = selector;
        List<String> all = state.ring().preferenceList(partition, Math.max(1, state.ring().nodes().size()));
        for (String node : all) {
            if (!pref.contains(node) && !node.equals(excluded)) {
                queue.add(node);
            }
        }
    }

    /** The next usable substitute, or null when none is left. */
    synchronized String next() {
        while (!queue.isEmpty()) {
            String node = queue.poll();
            if (selector.isUsable(node)) {
                return node;
            }
        }
        return null;
    }
}
