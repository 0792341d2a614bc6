package dev.dynamo.core.membership;

import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether a gossiped ring, or ring change, may replace this node's. Gossip makes the
 * ring with the larger version win everywhere, and a ring is what tells each node which data
 * to keep: one frame carrying a ring owned by a made-up node once made every node hand its
 * partitions away and, after the clean-up delay, delete them. A ring or transition that would
 * win the merge is admitted only when
 *
 * <ol>
 *   <li>every node it names was known to this node before the frame arrived: in its ring, in
 *       the change it has in progress, or among its members (a joining node gossips its entry
 *       before its change can be admitted, so a join waits at most one more exchange per hop);
 *   <li>every node of this node's ring that it leaves out is leaving or removed, as the member
 *       entries (this node's merged with the frame's) say: owners are never dropped silently;
 *   <li>its version is at most {@link MembershipConfig#maxRingVersionJump()} ahead of this
 *       node's ring, so a version near the top of the range cannot wedge every later change.
 * </ol>
 *
 * A node without a ring yet (a joining node's version-0 placeholder) takes any ring: it has
 * nothing to lose and no way to judge. These rules stop a buggy peer and a lone forged frame;
 * a party that can send several frames can still introduce itself first, which is what
 * authenticating peers (docs/security.md) is for. Pure: no I/O, no clock.
 *
 * <pre>{@code
 * RingAdmission admission = new RingAdmission(config.maxRingVersionJump());
 * RingAdmission.Decision d = admission.judge(mine, theirs, mine.merge(theirs).members());
 * GossipState usable = d.admitted();   // theirs, with a refused ring or change replaced by mine
 if (d.refused()) log.warn("refused {}", d.refusal());
 * }</pre>
 */
public final class RingAdmission {
    /** The counter of refused rings and ring changes. */
    public static final String REFUSALS = "membership.ring-admission";

    private final long maxVersionJump;

    public RingAdmission(long maxVersionJump) {
        if (maxVersionJump < 1) {
            throw new IllegalArgumentException("max ring version jump must be >= 1, was " + maxVersionJump);
        }
        this.maxVersionJump = maxVersionJump;
    }

    /**
     * What of a frame may be used.
     *
     * @param admitted the frame, its ring and transition replaced by this node's where refused
     * @param refusal  why something was refused, or null when all was admitted
     */
    public record Decision(GossipState admitted, String refusal) {
        public boolean refused() {
            return refusal != null;
        }
    }

    /**
     * @param mine    this node's state before the frame
     * @param theirs  the frame's state (its member entries already filtered)
     * @param members the member entries after the merge: who is leaving or removed
     */
    public Decision judge(GossipState mine, GossipState theirs, Map<String, MemberState> members) {
        Objects.requireNonNull(members, "members");
        Ring ring = mine.ring();
        Set<String> known = known(mine);
        String refusal = null;
        Transition transition = theirs.transition();
        if (transition != null && transition.newerThan(mine.transition())) {
            String why = refusal(ring, transition.target(), known, members);
            if (why != null) {
                refusal = "ring change " + transition.id() + " ('" + transition.description() + "' from "
                        + transition.initiator() + "): " + why;
                transition = mine.transition();
            }
        }
        Ring theirRing = theirs.ring();
        if (GossipState.newerRing(ring, theirRing) != ring) {
            String why = refusal(ring, theirRing, known, members);
            if (why != null) {
                refusal = (refusal == null ? "" : refusal + "; ") + "ring version " + theirRing.version() + ": " + why;
                theirRing = ring;
            }
        }
        if (refusal == null) {
            return new Decision(theirs, null);
        }
        return new Decision(new GossipState(theirs.members(), theirRing, transition), refusal);
    }

    /** Why {@code candidate} may not replace {@code ring}, or null when it may. */
    private String refusal(Ring ring, Ring candidate, Set<String> known, Map<String, MemberState> members) {
        if (ring.version() < 1) {
            return null;
        }
        if (candidate.version() - ring.version() > maxVersionJump) {
            return "it is " + (candidate.version() - ring.version()) + " versions ahead of this node's ring "
                    + ring.version() + ", more than " + MembershipConfig.MAX_RING_VERSION_JUMP + " = " + maxVersionJump;
        }
        Set<String> strangers = new TreeSet<>();
        for (NodeInfo n : candidate.nodes()) {
            if (!known.contains(n.id())) {
                strangers.add(n.id());
            }
        }
        if (!strangers.isEmpty()) {
            return "it names " + describe(strangers) + ", unknown to this node";
        }
        Set<String> dropped = new TreeSet<>();
        for (NodeInfo n : ring.nodes()) {
            MemberState m = members.get(n.id());
            boolean going = m != null && (m.status() == NodeStatus.LEAVING || m.status() == NodeStatus.REMOVED);
            if (!candidate.contains(n.id()) && !going) {
                dropped.add(n.id());
            }
        }
        if (!dropped.isEmpty()) {
            return "it leaves out " + describe(dropped) + ", neither leaving nor removed";
        }
        return null;
    }

    private static Set<String> known(GossipState mine) {
        Set<String> known = new TreeSet<>(mine.members().keySet());
        mine.ring().nodes().forEach(n -> known.add(n.id()));
        Transition t = mine.transition();
        if (t != null) {
            t.target().nodes().forEach(n -> known.add(n.id()));
        }
        return known;
    }

    /** Node ids for a log line: only well-formed ones, and at most a few. */
    private static String describe(Set<String> ids) {
        List<String> shown = ids.stream().limit(3).map(MemberSyntax::describe).toList();
        return "node(s) " + String.join(", ", shown) + (ids.size() > 3 ? " and " + (ids.size() - 3) + " more" : "");
    }
}
