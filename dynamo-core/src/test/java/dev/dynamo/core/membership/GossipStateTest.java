package dev.dynamo.core.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GossipStateTest {
    private final Ring ring1 = new RingPlanner().initial(16, List.of(NodeInfo.of("a"), NodeInfo.of("b")));
    private final Ring ring2 = RingSteps.withVersion(new RingPlanner().plan(ring1,
            List.of(NodeInfo.of("a"), NodeInfo.of("b"), NodeInfo.of("c"))).ring(), 3);

    private static MemberState m(String id, long generation, long version, NodeStatus status) {
        return new MemberState(id, "h:1", "h:2", 1.0, status, generation, version, 1, 0, 0, 0);
    }

    @Test
    void mergeKeepsNewerEntriesRingAndTransitionInAnyOrder() {
        GossipState x = GossipState.of(ring1, List.of(m("a", 1, 5, NodeStatus.NORMAL), m("b", 1, 2, NodeStatus.NORMAL)));
        GossipState y = GossipState.of(ring2, List.of(m("a", 1, 3, NodeStatus.NORMAL), m("b", 2, 1, NodeStatus.LEAVING),
                m("c", 1, 1, NodeStatus.JOINING))).withTransition(new Transition(2, "c", "join c", ring2, 8, 5));
        GossipState z = GossipState.of(ring1, List.of(m("b", 1, 9, NodeStatus.NORMAL)));
        GossipState xy = x.merge(y);
        assertEquals(5, xy.member("a").version(), "larger version wins");
        assertEquals(NodeStatus.LEAVING, xy.member("b").status(), "a new generation wins over a larger version");
        assertEquals(ring2, xy.ring());
        assertEquals(2, xy.transition().id());
        assertEquals(xy, y.merge(x), "commutative");
        assertEquals(x.merge(y).merge(z), x.merge(y.merge(z)), "associative");
        assertEquals(xy, xy.merge(xy), "idempotent");
    }

    @Test
    void encodesAndDecodes() {
        GossipState s = GossipState.of(ring1, List.of(m("a", 1, 5, NodeStatus.NORMAL), m("c", 7, 1, NodeStatus.REMOVED)))
                .withTransition(new Transition(4, "a", "remove c", ring2, 2, 3));
        assertEquals(s, GossipState.decode(s.encode()));
        byte[] bytes = s.encode();
        assertThrows(IllegalArgumentException.class, () -> GossipState.decode(Arrays.copyOf(bytes, bytes.length - 3)));
    }
}
