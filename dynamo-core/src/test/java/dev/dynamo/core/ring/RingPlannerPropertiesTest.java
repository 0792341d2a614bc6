package dev.dynamo.core.ring;

import static dev.dynamo.core.ring.RingAssertions.assertBalanced;
import static dev.dynamo.core.ring.RingAssertions.ceil;
import static dev.dynamo.core.ring.RingAssertions.fewestMoves;
import static dev.dynamo.core.ring.RingAssertions.floor;
import static dev.dynamo.core.ring.RingAssertions.loads;
import static dev.dynamo.core.ring.RingAssertions.quotas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class RingPlannerPropertiesTest {

    private static final RingPlanner PLANNER = new RingPlanner();

    @Provide
    Arbitrary<Integer> qs() {
        return Arbitraries.of(8, 64, 256, 1024);
    }

    /** A random cluster, then a random mix of joins, leaves and capacity changes. */
    @Property(tries = 200)
    void movesComeOnlyFromOverTargetNodesAndAreFewest(@ForAll("qs") int q, @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 8) int steps) {
        SplittableRandom random = new SplittableRandom(seed);
        List<NodeInfo> nodes = new ArrayList<>();
        int next = 0;
        for (int i = 1 + random.nextInt(12); i > 0; i--) {
            nodes.add(new NodeInfo("n" + next++, null, capacity(random)));
        }
        Ring ring = PLANNER.initial(q, nodes);
        assertBalanced(ring, nodes);
        for (int step = 0; step < steps; step++) {
            List<NodeInfo> after = new ArrayList<>(nodes);
            int changes = 1 + random.nextInt(3);
            for (int c = 0; c < changes; c++) {
                int op = random.nextInt(3);
                if (op == 0 || after.size() == 1) {
                    after.add(new NodeInfo("n" + next++, null, capacity(random)));
                } else if (op == 1) {
                    after.remove(random.nextInt(after.size()));
                } else {
                    int i = random.nextInt(after.size());
                    after.set(i, after.get(i).withCapacity(capacity(random)));
                }
            }
            RingPlan plan = PLANNER.plan(ring, after);
            check(ring, after, plan);
            ring = plan.ring();
            nodes = after;
        }
    }

    @Property(tries = 100)
    void planIsDeterministic(@ForAll("qs") int q, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 1 + random.nextInt(15); i > 0; i--) {
            nodes.add(new NodeInfo("n" + i, null, capacity(random)));
        }
        Ring ring = PLANNER.initial(q, nodes);
        List<NodeInfo> after = new ArrayList<>(nodes.subList(random.nextInt(nodes.size()), nodes.size()));
        after.add(new NodeInfo("joiner", null, capacity(random)));
        assertEquals(PLANNER.plan(ring, after), PLANNER.plan(ring, List.copyOf(after)));
        assertEquals(PLANNER.initial(q, nodes), PLANNER.initial(q, nodes));
    }

    private static double capacity(SplittableRandom random) {
        return random.nextBoolean() ? 0.5 * (1 + random.nextInt(8)) : 0.05 + random.nextDouble() * 10;
    }

    private static void check(Ring before, List<NodeInfo> nodes, RingPlan plan) {
        Ring after = plan.ring();
        assertEquals(before.version() + 1, after.version());
        assertBalanced(after, nodes);
        RingPlannerTest.assertConsistent(before, plan);
        Map<String, Integer> oldLoads = loads(before);
        Map<String, Integer> newLoads = loads(after);
        Map<String, Double> quotas = quotas(before.q(), nodes);
        for (PartitionMove move : plan.moves()) {
            // from a removed node, or one that ends below where it started and at most at its ceiling
            if (after.contains(move.from())) {
                assertTrue(newLoads.get(move.from()) < oldLoads.get(move.from()), move.toString());
                assertTrue(oldLoads.get(move.from()) > floor(quotas.get(move.from())), "over target: " + move);
            }
            // to a node that ends above where it started and was below its ceiling
            assertTrue(newLoads.get(move.to()) > oldLoads.getOrDefault(move.to(), 0), move.toString());
            assertTrue(oldLoads.getOrDefault(move.to(), 0) < ceil(quotas.get(move.to())), "under target: " + move);
        }
        // no node both gives and receives, and nothing moves that balance does not require
        Set<String> receivers = plan.moves().stream().map(PartitionMove::to).collect(Collectors.toSet());
        for (PartitionMove move : plan.moves()) {
            assertTrue(!receivers.contains(move.from()), move.toString());
        }
        assertEquals(fewestMoves(before, nodes), plan.moves().size());
    }
}
