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

    @Test
    void zonesTravelWithMembersAndRingsAndAZoneLessStateKeepsFormatOne() {
        GossipState plain = GossipState.of(ring1, List.of(m("a", 1, 5, NodeStatus.NORMAL)));
        assertEquals(1, plain.encode()[0], "what nodes without zones read");
        Ring zonedRing = new RingPlanner().initial(16, List.of(new NodeInfo("a", null, 1, "dc1"),
                new NodeInfo("b", null, 1, "dc2")));
        MemberState joiner = MemberState.initial("c", "h:3", "h:4", 1.0, "dc2", NodeStatus.JOINING, 9, 0);
        GossipState zoned = GossipState.of(zonedRing, List.of(m("a", 1, 5, NodeStatus.NORMAL), joiner));
        GossipState read = GossipState.decode(zoned.encode());
        assertEquals(zoned, read);
        assertEquals("dc2", read.member("c").zone());
        assertEquals(NodeInfo.DEFAULT_ZONE, read.member("a").zone());
        assertEquals("dc1", read.ring().zoneOf("a").orElseThrow());
        assertEquals("dc2", read.member("c").heartbeat().withStatus(NodeStatus.NORMAL).zone(), "kept across changes");
        // a peer claiming a zone no configuration could name is refused whole
        byte[] bytes = GossipState.of(ring1, List.of(MemberState.initial("c", "h:3", "h:4", 1.0, "dcX",
                NodeStatus.JOINING, 9, 0))).encode();
        int at = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("dcX");
        bytes[at + 2] = '\n';
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GossipState.decode(bytes));
        assertEquals(true, e.getMessage().contains("zone of node 'c'"), e.getMessage());
    }
}
