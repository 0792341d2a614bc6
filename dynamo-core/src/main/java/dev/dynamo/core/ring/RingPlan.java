package dev.dynamo.core.ring;

import java.util.List;
import java.util.Objects;

/**
 * What {@link RingPlanner#plan(Ring, List)} decided: the next ring and the partitions
 * that change owner to get there, ascending by partition.
 *
 * <pre>{@code
 * RingPlan plan = planner.plan(ring, nodesAfterJoin);
 * plan.moves().forEach(handoff::schedule);
 * gossip.publish(plan.ring());
 * }</pre>
 *
 * @param ring  the new ring (version one above the old one)
 * @param moves the partitions that change owner, ascending by partition
 */
public record RingPlan(Ring ring, List<PartitionMove> moves) {

    public RingPlan {
        Objects.requireNonNull(ring, "ring");
        moves = List.copyOf(moves);
    }
}
