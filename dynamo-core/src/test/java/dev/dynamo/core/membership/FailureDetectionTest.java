package dev.dynamo.core.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import dev.dynamo.core.time.VirtualScheduler;
import dev.dynamo.core.transport.local.LocalNetwork;
import dev.dynamo.core.transport.local.LocalTransport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Phi accrual over gossip heartbeats, under the virtual clock: a crashed node is suspected
 * within the bound its observers computed from the configuration and the heartbeat
 * history; a live node that pauses for less than the acceptable pause is never suspected.
 */
class FailureDetectionTest {
    private static final MembershipConfig CONFIG = MembershipConfig.DEFAULTS; // 1 s gossip, phi 8, 3 s pause

    private final VirtualScheduler scheduler = new VirtualScheduler(0);
    private final LocalNetwork network = new LocalNetwork(scheduler, 11);
    private final Map<String, Gossiper> gossipers = new LinkedHashMap<>();
    private final Map<String, PhiAccrualFailureDetector> detectors = new LinkedHashMap<>();

    private void startCluster(int size) {
        List<NodeInfo> infos = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            infos.add(NodeInfo.of("n" + i));
        }
        Ring ring = new RingPlanner().initial(32, infos);
        for (NodeInfo info : infos) {
            String id = info.id();
            LocalTransport transport = network.transport(id);
            PhiAccrualFailureDetector detector = PhiAccrualFailureDetector.of(scheduler.clock(), CONFIG);
            MemberState me = MemberState.initial(id, "local:" + id, "local:" + id, 1.0, NodeStatus.NORMAL, 0, 1);
            Gossiper g = new Gossiper(me, ring, List.of("n1"), CONFIG, transport, scheduler, detector,
                    new Random(id.hashCode()), () -> { });
            transport.start((from, bytes) -> CompletableFuture.completedFuture(
                    MessageCodec.encode(g.serve((Message.Gossip) MessageCodec.decode(bytes)))));
            gossipers.put(id, g);
            detectors.put(id, detector);
        }
        gossipers.values().forEach(Gossiper::start);
    }

    @Test
    void crashedNodeIsSuspectedWithinTheBound() {
        startCluster(6);
        scheduler.runFor(60_000); // a minute of heartbeats: a history to judge by
        detectors.forEach((id, d) -> assertEquals(Set.of(), d.suspected(), id + " suspects nobody while all live"));
        network.crash("n6");
        long crashedAt = scheduler.clock().millis();
        Map<String, Long> bound = new LinkedHashMap<>();
        detectors.forEach((id, d) -> {
            if (!id.equals("n6")) {
                // the bound: the suspicion delay after the last heartbeat heard; that heartbeat may still
                // be on its way through gossip, which takes a few rounds (hence the allowance below)
                bound.put(id, d.suspicionDelayMillis("n6"));
            }
        });
        Map<String, Long> suspectedAfter = new LinkedHashMap<>();
        for (int step = 0; step < 600 && suspectedAfter.size() < bound.size(); step++) {
            scheduler.runFor(50);
            bound.keySet().forEach(id -> {
                if (!suspectedAfter.containsKey(id) && detectors.get(id).isSuspected("n6")) {
                    suspectedAfter.put(id, scheduler.clock().millis() - crashedAt);
                }
            });
        }
        System.out.println("crash of n6: suspicion bound per observer (ms) " + bound + ", suspected after (ms) "
                + suspectedAfter);
        assertEquals(bound.keySet(), suspectedAfter.keySet(), "every live node suspects the crashed one");
        bound.forEach((id, b) -> {
            long allowance = 3 * CONFIG.gossipIntervalMillis();
            assertTrue(suspectedAfter.get(id) <= b + allowance, id + " suspected n6 after " + suspectedAfter.get(id)
                    + " ms, bound " + b + " ms + " + allowance + " ms for the last heartbeat to spread");
            // the configured thresholds keep it near mean interval + acceptable pause: well under 10 s
            assertTrue(b < CONFIG.gossipIntervalMillis() + CONFIG.phiAcceptablePauseMillis() + 6_000,
                    id + ": bound " + b + " ms");
        });
        detectors.forEach((id, d) -> {
            if (!id.equals("n6")) {
                assertEquals(Set.of("n6"), d.suspected(), id + " suspects only the crashed node");
            }
        });
    }

    @Test
    void liveNodeWithPausesBelowTheThresholdIsNeverSuspected() {
        startCluster(5);
        scheduler.runFor(30_000);
        Random random = new Random(5);
        long acceptable = CONFIG.phiAcceptablePauseMillis();
        int pauses = 0;
        int samples = 0;
        // half an hour of virtual time; n3 pauses (a GC, a slow disk) for up to 80% of the acceptable pause
        for (int second = 0; second < 1_800; second++) {
            if (second % 10 == 0) {
                network.pause("n3", (long) (acceptable * 0.8 * random.nextDouble()));
                pauses++;
            }
            for (int tick = 0; tick < 10; tick++) {
                scheduler.runFor(100);
                samples++;
                for (Map.Entry<String, PhiAccrualFailureDetector> e : detectors.entrySet()) {
                    assertFalse(e.getValue().isSuspected("n3"), e.getKey() + " suspected n3 at t="
                            + scheduler.clock().millis() + " (phi " + e.getValue().phi("n3") + ")");
                    assertTrue(e.getValue().suspected().isEmpty(), e.getKey() + " suspects " + e.getValue().suspected());
                }
            }
        }
        System.out.println("no suspicion over " + samples + " samples in half an hour with " + pauses + " pauses of n3");
    }

    @Test
    void requestFailuresSuspectAtOnceAndProbesLetOneRequestThrough() {
        PhiAccrualFailureDetector d = PhiAccrualFailureDetector.of(scheduler.clock(), CONFIG);
        d.heartbeat("n2");
        assertTrue(d.isAvailable("n2"));
        d.failure("n2");
        assertTrue(d.isSuspected("n2"), "one failed request (failures-to-suspect 1)");
        assertFalse(d.isAvailable("n2"), "skipped at first");
        scheduler.advance(CONFIG.probeIntervalMillis());
        assertTrue(d.isAvailable("n2"), "a probe after the probe interval");
        assertFalse(d.isAvailable("n2"), "only one probe per interval");
        d.success("n2");
        assertFalse(d.isSuspected("n2"));
        assertTrue(d.isAvailable("n2"));
    }
}
