package dev.dynamo.core.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The failure detector tracks a bounded number of peers, and only those membership knows. */
class PhiDetectorLimitsTest {

    @Test
    void peersBeyondTheLimitAreNotTrackedAndAreCounted() {
        VirtualScheduler time = new VirtualScheduler(0);
        List<String> refused = new ArrayList<>();
        PhiAccrualFailureDetector d = PhiAccrualFailureDetector.of(time.clock(),
                MembershipConfig.DEFAULTS.withLimits(2, 4), refused::add); // tracks 2 x 2 peers

        for (int i = 0; i < 10; i++) {
            d.failure("made-up-" + i);
        }

        assertEquals(4, d.tracked());
        assertEquals(6, refused.size());
        assertTrue(refused.stream().allMatch(MembershipConfig.MAX_MEMBERS::equals));
        assertTrue(d.isAvailable("made-up-9"), "an untracked peer is judged as one never heard of");
        assertEquals(Set.of("made-up-0", "made-up-1", "made-up-2", "made-up-3"), d.suspected());
    }

    @Test
    void retainOnlyForgetsPeersMembershipDoesNotKnow() {
        VirtualScheduler time = new VirtualScheduler(0);
        PhiAccrualFailureDetector d = PhiAccrualFailureDetector.of(time.clock(), MembershipConfig.DEFAULTS);
        d.heartbeat("n2");
        d.failure("ghost");

        d.retainOnly(Set.of("n2", "n3"));

        assertEquals(1, d.tracked());
        assertEquals(Set.of(), d.suspected(), "the ghost's failure is forgotten with it");
    }
}
