package dev.dynamo.core.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.time.VirtualScheduler;
import dev.dynamo.core.transport.local.LocalNetwork;
import dev.dynamo.core.transport.local.LocalTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * S gossipers on the local transport under virtual time, each starting with nothing but
 * itself and one seed: they reach one view, and a later change spreads to all, in a
 * number of rounds that grows like log S.
 */
class GossipConvergenceTest {
    private static final long INTERVAL = 1_000;
    private static final MembershipConfig CONFIG = MembershipConfig.DEFAULTS.withGossipInterval(INTERVAL);

    /** Rounds to reach one view from seeds only, and rounds for one change to reach every node. */
    private record Rounds(double discovery, double spread) {
    }

    @Test
    void viewsConvergeInLogarithmicRounds() {
        StringBuilder report = new StringBuilder();
        for (int s : new int[] {10, 25, 50}) {
            Rounds worst = new Rounds(0, 0);
            for (long seed = 1; seed <= 3; seed++) {
                Rounds r = run(s, seed);
                worst = new Rounds(Math.max(worst.discovery(), r.discovery()), Math.max(worst.spread(), r.spread()));
            }
            double log2 = Math.log(s) / Math.log(2);
            report.append(String.format("S=%d: one view after %.1f rounds, a change reaches all in %.1f rounds"
                    + " (log2 S = %.1f; worst of 3 seeds)%n", s, worst.discovery(), worst.spread(), log2));
            // generous O(log S) bounds: a round is one exchange per node
            assertTrue(worst.discovery() <= 2 * log2 + 4, "S=" + s + ": discovery took " + worst.discovery() + " rounds");
            assertTrue(worst.spread() <= 2 * log2 + 4, "S=" + s + ": spread took " + worst.spread() + " rounds");
        }
        System.out.print(report);
    }

    private Rounds run(int size, long seed) {
        VirtualScheduler scheduler = new VirtualScheduler(0);
        LocalNetwork network = new LocalNetwork(scheduler, seed);
        List<Gossiper> gossipers = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            String id = "n" + i;
            LocalTransport transport = network.transport(id);
            MemberState me = MemberState.initial(id, "local:" + id, "local:" + id, 1.0, NodeStatus.NORMAL, 0, 0);
            Gossiper g = new Gossiper(me, Membership.placeholderRing(id), List.of("n1"), CONFIG, transport, scheduler,
                    PhiAccrualFailureDetector.of(scheduler.clock(), CONFIG), new Random(seed * 1000 + i), () -> { });
            transport.start((from, bytes) -> CompletableFuture.completedFuture(
                    MessageCodec.encode(g.serve((Message.Gossip) MessageCodec.decode(bytes)))));
            gossipers.add(g);
        }
        gossipers.forEach(Gossiper::start);
        long start = scheduler.clock().millis();
        runUntil(scheduler, () -> gossipers.stream().allMatch(g -> g.state().members().size() == size)
                && gossipers.stream().map(g -> g.state().ring()).distinct().count() == 1);
        double discovery = (scheduler.clock().millis() - start) / (double) INTERVAL;
        Set<Integer> sizes = gossipers.stream().map(g -> g.state().members().size()).collect(Collectors.toSet());
        assertEquals(Set.of(size), sizes, "every node knows every node");

        Gossiper last = gossipers.get(size - 1);
        last.updateSelf(m -> m.withStatus(NodeStatus.LEAVING));
        long changed = scheduler.clock().millis();
        runUntil(scheduler, () -> gossipers.stream()
                .allMatch(g -> g.state().member(last.self()).status() == NodeStatus.LEAVING));
        double spread = (scheduler.clock().millis() - changed) / (double) INTERVAL;
        gossipers.forEach(Gossiper::close);
        return new Rounds(discovery, spread);
    }

    /**
     * Two groups that each know only themselves (their own rings) stay apart without seeds,
     * a logical partition; with one seed in common they merge into one view.
     */
    @Test
    void seedsPreventLogicalPartitions() {
        for (boolean withSeed : new boolean[] {false, true}) {
            VirtualScheduler scheduler = new VirtualScheduler(0);
            LocalNetwork network = new LocalNetwork(scheduler, 7);
            List<Gossiper> gossipers = new ArrayList<>();
            List<dev.dynamo.core.ring.NodeInfo> a = new ArrayList<>();
            List<dev.dynamo.core.ring.NodeInfo> b = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                (i <= 5 ? a : b).add(dev.dynamo.core.ring.NodeInfo.of("n" + i));
            }
            dev.dynamo.core.ring.Ring ringA = new dev.dynamo.core.ring.RingPlanner().initial(16, a);
            dev.dynamo.core.ring.Ring ringB = new dev.dynamo.core.ring.RingPlanner().initial(16, b);
            for (int i = 1; i <= 10; i++) {
                String id = "n" + i;
                LocalTransport transport = network.transport(id);
                MemberState me = MemberState.initial(id, "local:" + id, "local:" + id, 1.0, NodeStatus.NORMAL, 0, 1);
                Gossiper g = new Gossiper(me, i <= 5 ? ringA : ringB, withSeed ? List.of("n1") : List.of(), CONFIG,
                        transport, scheduler, PhiAccrualFailureDetector.of(scheduler.clock(), CONFIG), new Random(i),
                        () -> { });
                transport.start((from, bytes) -> CompletableFuture.completedFuture(
                        MessageCodec.encode(g.serve((Message.Gossip) MessageCodec.decode(bytes)))));
                gossipers.add(g);
            }
            gossipers.forEach(Gossiper::start);
            scheduler.runFor(50 * INTERVAL);
            Set<Integer> sizes = gossipers.stream().map(g -> g.state().members().size()).collect(Collectors.toSet());
            assertEquals(withSeed ? Set.of(10) : Set.of(5), sizes, withSeed ? "one view through the seed"
                    : "without seeds the two groups never meet");
            gossipers.forEach(Gossiper::close);
        }
    }

    /** Runs virtual time in 10 ms steps until {@code done}, for at most 100 rounds. */
    private static void runUntil(VirtualScheduler scheduler, java.util.function.BooleanSupplier done) {
        for (int i = 0; i < 10_000 && !done.getAsBoolean(); i++) {
            scheduler.runFor(10);
        }
        assertTrue(done.getAsBoolean(), "did not converge within 100 rounds");
    }
}
