package dev.dynamo.core.ring;

/**
 * One partition changing owner in a {@link RingPlan}: the new owner streams the
 * partition's key range from the old one, which keeps serving it until the handoff ends.
 *
 * <pre>{@code
 * for (PartitionMove m : plan.moves()) {
 *     System.out.println("partition " + m.partition() + ": " + m.from() + " -> " + m.to());
 * }
 * }</pre>
 *
 * @param partition the partition, {@code >= 0}
 * @param from      id of the old owner
 * @param to        id of the new owner, not {@code from}
 */
public record PartitionMove(int partition, String from, String to) {

    public PartitionMove {
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, was " + partition);
        }
        if (from == null || to == null || from.equals(to)) {
            throw new IllegalArgumentException("a move needs two different nodes, was from '" + from
                    + "' to '" + to + "'");
        }
    }
}
