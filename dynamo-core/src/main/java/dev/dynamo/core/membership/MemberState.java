package dev.dynamo.core.membership;

import dev.dynamo.core.ring.NodeInfo;
import java.util.Objects;

/**
 * One node's entry in the gossiped membership state. Only the node itself changes its
 * entry, bumping {@code version} each time (every gossip round, as its heartbeat), except
 * that an operator's {@code remove} marks a dead node {@link NodeStatus#REMOVED} with a
 * higher version. Of two entries for one node the one with the larger
 * {@code (generation, version)} wins, so merging is commutative, associative and idempotent.
 *
 * <pre>{@code
 * MemberState me = MemberState.initial("n1", "10.0.0.1:7081", "10.0.0.1:8081", 1.0, NodeStatus.NORMAL, now, 1);
 * MemberState next = me.heartbeat();          // version + 1
 * MemberState winner = MemberState.newer(me, next);
 * }</pre>
 *
 * @param id                node id
 * @param binaryAddress     where the binary protocol reaches it
 * @param httpAddress       where its HTTP API is
 * @param capacity          capacity weight for partition ownership
 * @param status            joining, normal, leaving or removed
 * @param generation        set when the node starts (its start time): a restart wins over old entries
 * @param version           heartbeat counter, bumped on every change of the entry
 * @param ringVersion       the version of the ring the node routes requests with
 * @param seenTransition    the newest ring transition the node has learnt of (0: none)
 * @param readyTransition   the transition of the step whose transfers this node finished
 * @param readyRingVersion  the ring version of that step (the node received everything it needs for it)
 * @param zone              the node's zone ({@link NodeInfo#ZONE_RULE})
 */
public record MemberState(String id, String binaryAddress, String httpAddress, double capacity, NodeStatus status,
                          long generation, long version, long ringVersion, long seenTransition,
                          long readyTransition, long readyRingVersion, String zone) {

    public MemberState {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(binaryAddress, "binaryAddress");
        Objects.requireNonNull(httpAddress, "httpAddress");
        Objects.requireNonNull(status, "status");
        if (!(capacity > 0) || Double.isInfinite(capacity)) {
            throw new IllegalArgumentException("capacity of node '" + id + "' must be finite and > 0, was " + capacity);
        }
        if (!NodeInfo.isValidZone(zone)) {
            throw new IllegalArgumentException("zone of node '" + id + "' must be " + NodeInfo.ZONE_RULE + ", was "
                    + MemberSyntax.describe(zone));
        }
    }

    /** An entry of a node in the {@linkplain NodeInfo#DEFAULT_ZONE default zone}. */
    public MemberState(String id, String binaryAddress, String httpAddress, double capacity, NodeStatus status,
                       long generation, long version, long ringVersion, long seenTransition,
                       long readyTransition, long readyRingVersion) {
        this(id, binaryAddress, httpAddress, capacity, status, generation, version, ringVersion, seenTransition,
                readyTransition, readyRingVersion, NodeInfo.DEFAULT_ZONE);
    }

    public static MemberState initial(String id, String binaryAddress, String httpAddress, double capacity,
                                      NodeStatus status, long generation, long ringVersion) {
        return initial(id, binaryAddress, httpAddress, capacity, NodeInfo.DEFAULT_ZONE, status, generation,
                ringVersion);
    }

    public static MemberState initial(String id, String binaryAddress, String httpAddress, double capacity,
                                      String zone, NodeStatus status, long generation, long ringVersion) {
        return new MemberState(id, binaryAddress, httpAddress, capacity, status, generation, 1, ringVersion, 0, 0, 0,
                zone);
    }

    /** True when this entry supersedes {@code other} (same node). */
    public boolean newerThan(MemberState other) {
        return generation != other.generation ? generation > other.generation : version > other.version;
    }

    /** The entry that wins a merge: the newer one, {@code a} on a tie. */
    public static MemberState newer(MemberState a, MemberState b) {
        return b.newerThan(a) ? b : a;
    }

    /** The next heartbeat: the same entry with version + 1. */
    public MemberState heartbeat() {
        return withVersion(version + 1);
    }

    public MemberState withVersion(long v) {
        return new MemberState(id, binaryAddress, httpAddress, capacity, status, generation, v, ringVersion,
                seenTransition, readyTransition, readyRingVersion, zone);
    }

    /** This entry with another status, as a change (version + 1). */
    public MemberState withStatus(NodeStatus s) {
        return new MemberState(id, binaryAddress, httpAddress, capacity, s, generation, version + 1, ringVersion,
                seenTransition, readyTransition, readyRingVersion, zone);
    }

    /** This entry with what the node knows of the ring, as a change (version + 1) if anything differs. */
    public MemberState withRing(long ring, long seen) {
        if (ring == ringVersion && seen == seenTransition) {
            return this;
        }
        return new MemberState(id, binaryAddress, httpAddress, capacity, status, generation, version + 1, ring, seen,
                readyTransition, readyRingVersion, zone);
    }

    /** This entry saying the node has received everything for step {@code ring} of {@code transition}. */
    public MemberState withReady(long transition, long ring) {
        if (transition == readyTransition && ring == readyRingVersion) {
            return this;
        }
        return new MemberState(id, binaryAddress, httpAddress, capacity, status, generation, version + 1, ringVersion,
                seenTransition, transition, ring, zone);
    }
}
