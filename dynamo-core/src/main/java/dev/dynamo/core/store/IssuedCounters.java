package dev.dynamo.core.store;

/**
 * The floor of this node's dot counters (see {@link SiblingStore#nextDot}): 0 while the
 * node has never removed a key, then every counter the actor had issued (on any key of any
 * table sharing this object) when it last removed one; every later dot counts above it.
 *
 * <p>Why: a key's dots count per key, from what the key holds. A tombstone purge (or the
 * cleanup of a partition handed to other nodes) removes the key's whole history, so the
 * next write through the same node would start at 1 again and reissue a dot that named
 * another write before. Not every copy of that old write is gone: a client still holds a
 * context covering it, so its next write would silently supersede the new one, and a hint
 * or a delayed message may still carry it, so replicas would drop the new write as already
 * seen. The simulation's {@code tombstone-skew} fault found both (docs/simulation.md).
 * The key's own counters or a stale context may still name older counters of the actor
 * than the purged ones, so only a floor above everything issued before the removal is
 * safe. Counters then grow by at most one per write of the node, far below
 * {@code context.max-counter}.
 *
 * <p>Kept in memory while the node runs and recorded with a clean shutdown (the node's
 * {@code Incarnation}); after an unclean one the actor changes, and a new actor has issued
 * nothing. Thread-safe.
 *
 * <pre>{@code
 * IssuedCounters issued = new IssuedCounters();
 * SiblingStore store = new SiblingStore("t", engine, 10, false, UnaryOperator.identity(), issued);
 * issued.floor();              // 0 until the node removes a key
 * }</pre>
 */
public final class IssuedCounters {
    private long highest;
    private long floor;

    /** Every dot counts above this (0: no key removed, counters per key from 1, as ever). */
    public synchronized long floor() {
        return floor;
    }

    /** The highest counter issued (or restored) so far. */
    public synchronized long highest() {
        return highest;
    }

    /** Notes a counter the actor issued. */
    public synchronized void issued(long counter) {
        highest = Math.max(highest, counter);
    }

    /** A key left the store with its history: from now on, every dot counts above everything issued. */
    public synchronized void keyRemoved() {
        floor = highest;
    }

    /** Takes over what an earlier run of the same actor recorded at its clean shutdown. */
    public synchronized void restore(long recordedHighest, long recordedFloor) {
        highest = Math.max(highest, recordedHighest);
        floor = Math.max(floor, recordedFloor);
    }
}
