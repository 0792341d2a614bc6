package dev.dynamo.core.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure planning of data movement, on random clusters and changes. */
class RingStepsTest {

    @Test
    void stepsReachTheTargetMovingAtMostABatchEachAndNameEveryNewReplica() {
        Random random = new Random(17);
        RingPlanner planner = new RingPlanner();
        for (int trial = 0; trial < 40; trial++) {
            int q = 16 + random.nextInt(100);
            int size = 2 + random.nextInt(6);
            List<NodeInfo> nodes = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                nodes.add(NodeInfo.of("n" + i));
            }
            Ring start = planner.initial(q, nodes);
            List<NodeInfo> after = new ArrayList<>(nodes);
            if (random.nextBoolean()) {
                after.add(NodeInfo.of("new"));
            } else {
                after.remove(random.nextInt(after.size()));
            }
            int batch = 1 + random.nextInt(10);
            Ring planned = planner.plan(start, after).ring();
            int moves = RingSteps.remainingMoves(start, planned);
            int steps = RingSteps.steps(start, planned, batch);
            Ring target = RingSteps.withVersion(planned, start.version() + steps);
            Map<String, Integer> tables = Map.of("a", 1, "b", 3);
            Ring current = start;
            for (int s = 0; s < steps; s++) {
                Ring next = RingSteps.next(current, target, batch);
                assertEquals(current.version() + 1, next.version());
                assertTrue(RingSteps.remainingMoves(current, next) <= batch, "at most a batch per step");
                Set<String> receivers = RingSteps.receivers(current, next, tables);
                for (Map.Entry<String, Integer> t : tables.entrySet()) {
                    for (int p = 0; p < q; p++) {
                        List<String> before = current.preferenceList(p, t.getValue());
                        for (String node : next.preferenceList(p, t.getValue())) {
                            if (!before.contains(node)) {
                                assertTrue(receivers.contains(node));
                                assertTrue(RingSteps.transfers(node, current, next, tables)
                                        .contains(new RingSteps.Transfer(t.getKey(), t.getValue(), p)),
                                        node + " must receive " + t.getKey() + "/" + p);
                                assertTrue(RingSteps.pending(current, next, target, t.getValue(), p).contains(node),
                                        "writes reach " + node + " while " + t.getKey() + "/" + p + " moves");
                            }
                        }
                    }
                }
                current = next;
            }
            assertEquals(target, current, "the last step is the target");
            assertTrue(steps == Math.max(1, (moves + batch - 1) / batch));
            Set<String> ids = new HashSet<>();
            current.nodes().forEach(n -> ids.add(n.id()));
            assertEquals(after.size(), ids.size());
        }
    }
}
