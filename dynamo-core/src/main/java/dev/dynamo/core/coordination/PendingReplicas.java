package dev.dynamo.core.coordination;

import java.util.List;

/**
 * Where writes must also go while partitions move between nodes: the nodes that are
 * becoming replicas of a partition but are not yet in its preference list. Coordinators
 * send every write to them too, so a new replica misses nothing written while it copies
 * the partition (docs/membership.md, "Join, leave and remove": writes during a move reach both).
 *
 * <pre>{@code
 * node.setPendingReplicas((n, partition) -> rebalancer.pending(n, partition));
 * List<String> extra = pending.pending(3, 17);   // e.g. ["n6"] while n6 takes over partition 17
 * }</pre>
 */
@FunctionalInterface
public interface PendingReplicas {

    /** No move in progress. */
    PendingReplicas NONE = (n, partition) -> List.of();

    /**
     * Nodes becoming replicas of {@code partition} for a table with replication factor
     * {@code n}, beyond the current preference list; empty when nothing moves. Must be
     * cheap and must not block: it is called on every write.
     */
    List<String> pending(int n, int partition);
}
