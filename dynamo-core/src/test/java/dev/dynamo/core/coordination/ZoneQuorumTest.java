package dev.dynamo.core.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.ErrorCode;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.core.coordination.QuorumTracker.Decision;
import dev.dynamo.core.table.QuorumScope;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Counting R and W over all replicas, the coordinator's zone, or each zone. */
class ZoneQuorumTest {
    private static final List<String> TWO_ONE = List.of("dc1", "dc2", "dc1");

    @Test
    void allCountsEveryAnswerWhereverItComesFrom() {
        ZoneQuorum q = ZoneQuorum.of(QuorumScope.ALL, 2, "dc1", TWO_ONE);
        assertNull(q.shortfall());
        assertEquals(Decision.PENDING, q.success("dc2", "dc2"));
        assertEquals(Decision.SUCCEEDED, q.success("dc1", "dc1"));
        InsufficientReplicasException e = ZoneQuorum.of(QuorumScope.ALL, 3, "dc1", TWO_ONE).refusal("put");
        assertEquals(InsufficientReplicasException.of("put", 3, 0).getMessage(), e.getMessage(), "unchanged");
    }

    @Test
    void localWaitsOnlyForTheCoordinatorsZone() {
        ZoneQuorum q = ZoneQuorum.of(QuorumScope.LOCAL, 2, "dc1", TWO_ONE);
        assertNull(q.shortfall());
        assertEquals(Decision.PENDING, q.success("dc2", "dc2"), "another zone's answer does not count");
        assertEquals(Decision.PENDING, q.success("dc1", "dc1"));
        assertEquals(Decision.SUCCEEDED, q.success("dc1", "dc1"));
    }

    @Test
    void localFailsOnceItsZoneCannotMakeIt() {
        ZoneQuorum q = ZoneQuorum.of(QuorumScope.LOCAL, 2, "dc1", TWO_ONE);
        assertEquals(Decision.PENDING, q.success("dc1", "dc1"));
        assertEquals(Decision.FAILED, q.failure("dc1"), "one dc1 slot left of none");
        InsufficientReplicasException e = q.error("get");
        assertEquals(ErrorCode.INSUFFICIENT_REPLICAS.wire(), e.code());
        assertEquals("get with quorum=local needed 2 replica acknowledgements in zone dc1 but got 1; retry, or lower"
                + " r or the table's quorum scope", e.getMessage());
        assertEquals(1, e.acknowledged());
    }

    @Test
    void localIsRefusedUpFrontWhenTheZoneHoldsTooFewReplicas() {
        ZoneQuorum q = ZoneQuorum.of(QuorumScope.LOCAL, 2, "dc2", TWO_ONE);
        assertEquals("the key has 1 replica(s) in zone dc2", q.shortfall());
        assertEquals("put with quorum=local needed 2 replica acknowledgements in zone dc2 but the key has 1"
                + " replica(s) in zone dc2; retry, or lower w or the table's quorum scope", q.refusal("put").getMessage());
        assertEquals("the key has 0 replica(s) in zone dc3",
                ZoneQuorum.of(QuorumScope.LOCAL, 1, "dc3", TWO_ONE).shortfall(), "a coordinator in a zone without replicas");
    }

    @Test
    void eachNeedsEveryZoneAndASubstituteElsewhereDoesNotStandInForAZone() {
        ZoneQuorum q = ZoneQuorum.of(QuorumScope.EACH, 1, "dc1", TWO_ONE);
        assertNull(q.shortfall());
        assertEquals(Decision.PENDING, q.success("dc1", "dc1"));
        assertEquals(Decision.PENDING, q.success("dc1", "dc1"));
        // dc2's slot was taken over by a substitute in dc1: its copy is not in dc2
        assertEquals(Decision.FAILED, q.success("dc2", "dc1"));
        assertTrue(q.allAnswered());
        assertEquals("put with quorum=each needed 1 replica acknowledgements in each zone but got 0 in zone dc2;"
                + " retry, or lower w or the table's quorum scope", q.error("put").getMessage());

        ZoneQuorum ok = ZoneQuorum.of(QuorumScope.EACH, 1, "dc1", TWO_ONE);
        ok.success("dc2", "dc2");
        assertEquals(Decision.SUCCEEDED, ok.success("dc1", "dc1"));
        assertEquals("the key has 1 replica(s) in zone dc2",
                ZoneQuorum.of(QuorumScope.EACH, 2, "dc1", TWO_ONE).shortfall());
    }
}
