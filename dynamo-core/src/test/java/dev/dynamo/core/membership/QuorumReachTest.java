package dev.dynamo.core.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuorumReachTest {
    private static final List<String> FIVE = List.of("n1", "n2", "n3", "n4", "n5");

    @Test
    void aLoneNodeCannotReachAQuorumOfTwoAndNamesThePeersItNeverHeardFrom() {
        QuorumReach reach = QuorumReach.of(List.of("n1", "n2", "n3"), "n1", Set.of("n1"), Set.of());
        assertEquals(1, reach.reachable());
        assertEquals("table 'default' needs 2 nodes (r=2, w=2), 1 of 3 reachable: n2, n3 never heard from",
                reach.shortfall("default", 2, 2));
        assertNull(reach.shortfall("default", 1, 1), "r=1, w=1 is served by the node alone");
    }

    @Test
    void suspectedAndNeverSeenPeersAreCountedApartAndTheLargerOfRAndWDecides() {
        QuorumReach reach = QuorumReach.of(FIVE, "n1", Set.of("n1", "n2", "n3", "n4"), Set.of("n3", "n4"));
        assertEquals(2, reach.reachable());
        assertEquals("table 't' needs 3 nodes (r=1, w=3), 2 of 5 reachable: n5 never heard from; n3, n4 suspected",
                reach.shortfall("t", 1, 3));
        assertNull(reach.shortfall("t", 2, 1));
    }

    @Test
    void sloppyQuorumCountsEveryReachableNodeNotOnlyAKeysReplicas() {
        // three of five nodes up: a table with n=3, w=3 can still write through substitutes
        QuorumReach reach = QuorumReach.of(FIVE, "n1", Set.copyOf(FIVE), Set.of("n4", "n5"));
        assertNull(reach.shortfall("t", 3, 3));
        assertEquals("table 't' needs 4 nodes (r=4, w=1), 3 of 5 reachable: n4, n5 suspected", reach.shortfall("t", 4, 1));
    }

    @Test
    void thisNodeIsAlwaysReachableEvenIfItsDetectorListedIt() {
        QuorumReach reach = QuorumReach.of(List.of("n1", "n2"), "n1", Set.of("n1", "n2"), Set.of("n1"));
        assertEquals(2, reach.reachable());
    }
}
