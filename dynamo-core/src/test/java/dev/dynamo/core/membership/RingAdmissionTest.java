package dev.dynamo.core.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingAdmissionTest {
    private static final RingPlanner PLANNER = new RingPlanner();
    private final RingAdmission admission = new RingAdmission(1000);

    private static NodeInfo node(String id) {
        return new NodeInfo(id, id + ":7081", 1.0);
    }

    private static MemberState member(String id, NodeStatus status) {
        return MemberState.initial(id, id + ":7081", id + ":8081", 1.0, status, 1, 0);
    }

    private static Ring ring(long version, String... ids) {
        List<NodeInfo> nodes = new ArrayList<>();
        for (String id : ids) {
            nodes.add(node(id));
        }
        return RingSteps.withVersion(PLANNER.initial(16, nodes), version);
    }

    private static GossipState state(Ring ring, MemberState... members) {
        return GossipState.of(ring, List.of(members));
    }

    private RingAdmission.Decision judge(GossipState mine, GossipState theirs) {
        return admission.judge(mine, theirs, mine.merge(theirs).members());
    }

    private final GossipState mine = state(ring(5, "n1", "n2", "n3"), member("n1", NodeStatus.NORMAL),
            member("n2", NodeStatus.NORMAL), member("n3", NodeStatus.NORMAL));

    @Test
    void aRingOwnedByANodeNobodyKnewIsRefusedEvenWithItsOwnMemberEntry() {
        GossipState forged = state(ring(6, "evil"), member("evil", NodeStatus.NORMAL));

        RingAdmission.Decision d = judge(mine, forged);

        assertTrue(d.refused());
        assertTrue(d.refusal().contains("evil") && d.refusal().contains("unknown"), d.refusal());
        assertSame(mine.ring(), d.admitted().ring(), "this node's ring stays");
        assertTrue(d.admitted().members().containsKey("evil"), "the member entry itself is still taken");
        assertEquals(mine.ring(), mine.merge(d.admitted()).ring());
    }

    @Test
    void aNodeKnownAsAMemberBeforeMayBePlacedByARingChange() {
        GossipState knowing = mine.with(member("n4", NodeStatus.JOINING));
        Ring target = ring(9, "n1", "n2", "n3", "n4");
        GossipState theirs = knowing.withTransition(new Transition(1, "n4", "join n4", target, 8, 4));

        RingAdmission.Decision d = judge(knowing, theirs);

        assertFalse(d.refused(), d.refusal());
        assertEquals(target, knowing.merge(d.admitted()).transition().target());
        // the same change from a node first heard of in this very frame waits for the next exchange
        assertTrue(judge(mine, theirs).refused());
    }

    @Test
    void aRingLeavingOutAnOwnerThatIsNotLeavingIsRefused() {
        GossipState dropping = state(ring(6, "n1", "n2"));
        RingAdmission.Decision d = judge(mine, dropping);
        assertTrue(d.refused());
        assertTrue(d.refusal().contains("n3") && d.refusal().contains("neither leaving nor removed"), d.refusal());

        GossipState leaving = state(ring(6, "n1", "n2"), member("n3", NodeStatus.LEAVING).withVersion(9));
        assertFalse(judge(mine, leaving).refused(), "n3 said it leaves");
        GossipState removed = state(ring(6, "n1", "n2"), member("n3", NodeStatus.REMOVED).withVersion(9));
        assertFalse(judge(mine, removed).refused(), "an operator removed n3");
    }

    @Test
    void aVersionTooFarAheadIsRefusedAndAJoiningNodeTakesAnyRing() {
        GossipState far = state(ring(5 + 1001, "n1", "n2", "n3"));
        RingAdmission.Decision d = judge(mine, far);
        assertTrue(d.refused());
        assertTrue(d.refusal().contains(MembershipConfig.MAX_RING_VERSION_JUMP), d.refusal());
        assertFalse(judge(mine, state(ring(5 + 1000, "n1", "n2", "n3"))).refused());

        GossipState joining = state(ring(0, "n9"), member("n9", NodeStatus.JOINING));
        assertFalse(judge(joining, far).refused(), "a node without a ring has nothing to judge by");
    }

    @Test
    void anOlderOrEqualRingIsNotJudged() {
        GossipState older = state(ring(4, "evil"));
        RingAdmission.Decision d = judge(mine, older);
        assertFalse(d.refused());
        assertEquals(mine.ring(), mine.merge(d.admitted()).ring());
    }
}
