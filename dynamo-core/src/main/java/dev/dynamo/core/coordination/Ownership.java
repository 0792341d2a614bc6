package dev.dynamo.core.coordination;

import dev.dynamo.core.table.Table;

/**
 * Whether this node is one of a partition's replicas under its own view of the ring: in the
 * partition's preference list, or receiving the partition in the ring change under way. A
 * replica write that reaches a node that is neither (a coordinator with another ring, a
 * forwarded write at the wrong node) is stored there but does not count towards W
 * (docs/consistency.md, "Who counts towards W").
 *
 * <pre>{@code
 * Ownership own = (table, partition) -> cluster.ring().preferenceList(partition, table.config().n()).contains("n1");
 * ReplicaService replica = new ReplicaService(local, node::table, own, node::knows);
 * }</pre>
 */
@FunctionalInterface
public interface Ownership {
    /** Every partition: a node that takes every replica write as its own (tests, tools). */
    Ownership EVERY = (table, partition) -> true;

    /** True when this node keeps {@code partition} of {@code table} as one of its replicas, now or soon. */
    boolean replicates(Table table, int partition);
}
