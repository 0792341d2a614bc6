package dev.dynamo.core.membership;

import dev.dynamo.core.ring.Ring;
import java.util.Objects;

/**
 * A ring change in progress (a join, leave or remove): the ring the cluster moves to. The
 * current ring advances towards {@code target} one batch of partitions at a time (see
 * {@link RingSteps}); each step is published only once its new replicas hold the data. A
 * newer transition (larger {@code id}; ties: larger initiator id) replaces an older one.
 *
 * <pre>{@code
 * Transition t = new Transition(7, "n6", "join n6", target, 8, 21);
 * boolean done = currentRing.version() >= t.target().version();
 * }</pre>
 *
 * @param id          grows with every transition of the cluster
 * @param initiator   the node where the operator asked for it
 * @param description what it does, for operators ("join n6", "leave n3", "remove n4")
 * @param target      the final ring; its version is the current ring's plus the number of steps
 * @param batch       partitions changing owner per step
 * @param totalMoves  partitions whose owner changes from the ring it started from to the target
 */
public record Transition(long id, String initiator, String description, Ring target, int batch, int totalMoves) {

    public Transition {
        Objects.requireNonNull(initiator, "initiator");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(target, "target");
        if (id < 1 || batch < 1 || totalMoves < 0) {
            throw new IllegalArgumentException("transition id and batch must be >= 1, moves >= 0; were " + id + ", "
                    + batch + ", " + totalMoves);
        }
    }

    /** True when this transition supersedes {@code other}. */
    public boolean newerThan(Transition other) {
        return other == null || id > other.id || (id == other.id && initiator.compareTo(other.initiator) > 0);
    }

    /** True once a ring of version {@code ringVersion} or later runs: the target is reached. */
    public boolean doneAt(long ringVersion) {
        return ringVersion >= target.version();
    }
}
