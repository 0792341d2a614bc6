package dev.dynamo.core.coordination;

import static dev.dynamo.core.coordination.Fixture.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.DynamoException;
import dev.dynamo.core.spi.TransportException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Choosing a request's replicas: ReplicaSelector, Substitutes and Target. */
class ReplicaSelectorTest {
    private final Fixture f = Fixture.inside(config(3, 2, 2));

    private Substitutes substitutes() {
        return f.replicas.substitutes(f.cluster, f.partition, f.pref);
    }

    private List<String> drain(Substitutes s) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Fixture.NODES.size(); i++) { // bounded: at most every node once
            String next = s.next(f.pref.get(0));
            if (next == null) {
                return out;
            }
            out.add(next);
        }
        throw new AssertionError("substitutes never ran out: " + out);
    }

    @Test
    void withNobodySuspectedTheTargetsAreThePreferenceList() {
        List<Target> targets = f.replicas.targets(f.pref, substitutes());

        assertEquals(f.pref.stream().map(Target::replica).toList(), targets);
    }

    @Test
    void aSuspectedReplicaIsReplacedByTheNextNodeBeyondThePreferenceListHoldingItsHint() {
        String down = f.pref.get(1);
        f.detector.failure(down);

        List<Target> targets = f.replicas.targets(f.pref, substitutes());

        assertEquals(List.of(Target.replica(f.pref.get(0)), new Target(f.beyond.get(0), down),
                Target.replica(f.pref.get(2))), targets);
    }

    @Test
    void aSubstituteComesFromTheSuspectedReplicasZoneWhenOneIsUsable() {
        // n1-n3 in dc1, n4-n6 in dc2: a partition whose first node beyond the list is in dc1
        // while a dc2 replica is suspected and another dc2 node is beyond the list
        java.util.function.Function<String, String> zone = n -> n.compareTo("n4") < 0 ? "dc1" : "dc2";
        dev.dynamo.core.ring.Ring ring = new dev.dynamo.core.ring.RingPlanner().initial(48, Fixture.NODES.stream()
                .map(n -> new dev.dynamo.core.ring.NodeInfo(n, null, 1, zone.apply(n))).toList());
        dev.dynamo.core.cluster.ClusterState state = dev.dynamo.core.cluster.ClusterState.of(ring, List.of());
        int checked = 0;
        for (int p = 0; p < ring.q(); p++) {
            List<String> pref = ring.preferenceList(p, 3);
            List<String> beyond = ring.preferenceList(p, 6).subList(3, 6);
            String down = pref.stream().filter(n -> zone.apply(n).equals("dc2")).findFirst().orElseThrow();
            String sameZone = beyond.stream().filter(n -> zone.apply(n).equals("dc2")).findFirst().orElse(null);
            if (sameZone == null || zone.apply(beyond.get(0)).equals("dc2")) {
                continue; // ring order alone would pick a dc2 node, or there is none: nothing to tell apart
            }
            checked++;
            Fixture g = Fixture.inside(config(3, 2, 2));
            ReplicaSelector selector = new ReplicaSelector("elsewhere", g.detector); // no replica is itself
            g.detector.failure(down);
            List<Target> targets = selector.targets(pref, selector.substitutes(state, p, pref));
            assertEquals(new Target(sameZone, down), targets.get(pref.indexOf(down)), "partition " + p);
            // with no usable node of its zone left, the first usable one of any zone
            beyond.stream().filter(n -> zone.apply(n).equals("dc2")).forEach(g.detector::failure);
            targets = selector.targets(pref, selector.substitutes(state, p, pref));
            assertEquals(new Target(beyond.get(0), down), targets.get(pref.indexOf(down)), "partition " + p);
        }
        assertTrue(checked > 0, "some partition tells ring order and zone order apart");
    }

    @Test
    void aLocalQuorumWriteIsForwardedToAnUnsuspectedReplicaOfTheCallersZoneFirst() {
        java.util.function.Function<String, String> zone = n -> n.compareTo("n4") < 0 ? "dc1" : "dc2";
        dev.dynamo.core.ring.Ring ring = new dev.dynamo.core.ring.RingPlanner().initial(48, Fixture.NODES.stream()
                .map(n -> new dev.dynamo.core.ring.NodeInfo(n, null, 1, zone.apply(n))).toList());
        dev.dynamo.core.cluster.ClusterState state = dev.dynamo.core.cluster.ClusterState.of(ring, List.of());
        Fixture g = Fixture.inside(config(3, 2, 2));
        ReplicaSelector n1 = new ReplicaSelector("n1", "dc1", g.detector);
        g.detector.failure("n2");
        // n2 (dc1) is suspected: after n3 (dc1), the dc2 nodes, then n2
        assertEquals(List.of("n3", "n4", "n5", "n2"), n1.availableSameZoneFirst(state, List.of("n4", "n2", "n5", "n3")));
        assertEquals("dc1", n1.zone(state));
        assertEquals("dc2", new ReplicaSelector("n5", g.detector).zone(state), "the ring's word for a node it lists");
    }

    @Test
    void whenNoSubstituteIsLeftTheSuspectedReplicaIsTriedAnyway() {
        f.detector.failure(f.pref.get(1));
        f.beyond.forEach(f.detector::failure);

        List<Target> targets = f.replicas.targets(f.pref, substitutes());

        assertEquals(f.pref.stream().map(Target::replica).toList(), targets);
    }

    @Test
    void substitutesComeInRingOrderSkippingSuspectedNodesAndThePreferenceList() {
        f.detector.failure(f.beyond.get(1));

        assertEquals(List.of(f.beyond.get(0), f.beyond.get(2)), drain(substitutes()));
    }

    @Test
    void theNodeItselfIsNeverSuspected() {
        Fixture out = Fixture.outside(config(3, 2, 2));
        out.replicas.outcome(out.self, new TransportException(TransportException.Kind.UNREACHABLE, "?"));

        assertEquals(Set.of(), out.detector.suspected());
        assertEquals(out.beyond, drain(out.replicas.substitutes(out.cluster, out.partition, out.pref)),
                "it may be its own last substitute");
    }

    @Test
    void onlyTransportFailuresCountAgainstANode() {
        String peer = f.pref.get(1);

        f.replicas.outcome(peer, new CompletionException(new DynamoException("it answered: disk full")));
        assertTrue(f.detector.isAvailable(peer));

        f.replicas.outcome(peer, new CompletionException(
                new TransportException(TransportException.Kind.TIMEOUT, "no answer")));
        assertFalse(f.detector.isAvailable(peer));

        f.scheduler.advance(1_000); // a probe is let through; its success clears the suspicion
        assertTrue(f.detector.isAvailable(peer));
        f.replicas.outcome(peer, null);
        assertEquals(Set.of(), f.detector.suspected());
    }

    @Test
    void aForwardedWriteTriesUnsuspectedReplicasFirstInPreferenceOrder() {
        f.detector.failure(f.pref.get(0));

        assertEquals(List.of(f.pref.get(1), f.pref.get(2), f.pref.get(0)), f.replicas.availableFirst(f.pref));
    }

    @Test
    void eachAttemptGetsAThirdOfTheDeadlineAndAtLeastAMillisecond() {
        assertEquals(300, ReplicaSelector.attemptTimeout(900));
        assertEquals(1, ReplicaSelector.attemptTimeout(2));
    }

    @Test
    void aSubstituteOfASubstituteKeepsTheHintForTheOriginalReplica() {
        Target first = Target.replica("n2").substitutedBy("n5");
        Target second = first.substitutedBy("n6");

        assertEquals(new Target("n5", "n2"), first);
        assertEquals(new Target("n6", "n2"), second);
        assertTrue(second.isHint());
        assertFalse(Target.replica("n2").isHint());
    }

    @Test
    void substitutesRunOutOnceEveryNodeBeyondThePreferenceListWasTaken() {
        Substitutes s = substitutes();
        drain(s);

        assertNull(s.next(f.pref.get(0)));
    }
}
