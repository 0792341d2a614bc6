package dev.dynamo.core.membership;

/** Where a node stands in the cluster, as gossip spreads it. */
public enum NodeStatus {
    /** Started, not (yet) owning partitions: waiting for, or in the middle of, a join. */
    JOINING,
    /** A member of the ring. */
    NORMAL,
    /** Handing its partitions to the others after {@code leave}. */
    LEAVING,
    /** Gone: it left, or an operator removed it. Its partitions belong to others. */
    REMOVED
}
