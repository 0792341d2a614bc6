package dev.dynamo.core.coordination;

import static dev.dynamo.core.coordination.QuorumTracker.Decision.FAILED;
import static dev.dynamo.core.coordination.QuorumTracker.Decision.PENDING;
import static dev.dynamo.core.coordination.QuorumTracker.Decision.SUCCEEDED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuorumTrackerTest {

    @Test
    void succeedsOnTheRequiredSuccessEvenAfterAFailure() {
        QuorumTracker q = new QuorumTracker(2, 3);

        assertEquals(PENDING, q.success());
        assertEquals(PENDING, q.failure(), "one more success can still make it");
        assertEquals(SUCCEEDED, q.success());
        assertTrue(q.allAnswered());
    }

    @Test
    void failsAsSoonAsTooFewReplicasAreLeftToReachTheQuorum() {
        QuorumTracker q = new QuorumTracker(2, 3);

        assertEquals(PENDING, q.failure());
        assertEquals(FAILED, q.failure());
        assertFalse(q.allAnswered(), "decided before the last answer");
    }

    @Test
    void decidesOnceLaterAnswersDoNotChangeTheDecision() {
        QuorumTracker won = new QuorumTracker(1, 3);
        assertEquals(SUCCEEDED, won.success());
        assertEquals(SUCCEEDED, won.failure());
        assertEquals(SUCCEEDED, won.failure());

        QuorumTracker lost = new QuorumTracker(3, 3);
        assertEquals(FAILED, lost.failure());
        assertEquals(FAILED, lost.success());
        assertEquals(FAILED, lost.decision());
        assertEquals(1, lost.successes());
        assertEquals(1, lost.failures());
    }

    @Test
    void requiredMustBeBetweenOneAndTheReplicasAsked() {
        assertThrows(IllegalArgumentException.class, () -> new QuorumTracker(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new QuorumTracker(4, 3));
        assertEquals(3, new QuorumTracker(3, 3).required());
    }
}
