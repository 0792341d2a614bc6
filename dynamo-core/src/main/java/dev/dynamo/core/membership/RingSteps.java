package dev.dynamo.core.membership;

import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The pure planning of data movement: how the ring advances from the current one to a
 * transition's target one batch of partitions at a time, which (table, partition) each
 * node must receive for a step, and where writes must also go meanwhile. Every node
 * computes the same answers from the same rings, so no node has to direct the others.
 *
 * <pre>{@code
 * Ring next = RingSteps.next(current, target, 8);                      // 8 more partitions switch owner
 * List<RingSteps.Transfer> mine = RingSteps.transfers("n6", current, next, Map.of("default", 3));
 * Set<String> waitFor = RingSteps.receivers(current, next, Map.of("default", 3));
 * }</pre>
 */
public final class RingSteps {

    /** One (table, partition) a node must copy from an old replica before a step is published. */
    public record Transfer(String table, int n, int partition) {
    }

    private RingSteps() {
    }

    /** Partitions whose owner differs between the two rings (same Q). */
    public static int remainingMoves(Ring current, Ring target) {
        checkQ(current, target);
        int moves = 0;
        for (int p = 0; p < current.q(); p++) {
            if (!current.ownerOf(p).equals(target.ownerOf(p))) {
                moves++;
            }
        }
        return moves;
    }

    /** Steps from {@code current} to {@code target} moving {@code batch} partitions each (at least one). */
    public static int steps(Ring current, Ring target, int batch) {
        int moves = remainingMoves(current, target);
        return Math.max(1, (moves + batch - 1) / batch);
    }

    /** {@code ring} with another version (the planner numbers its rings one above the old one). */
    public static Ring withVersion(Ring ring, long version) {
        List<String> owners = new ArrayList<>(ring.q());
        for (int p = 0; p < ring.q(); p++) {
            owners.add(ring.ownerOf(p));
        }
        return Ring.of(version, ring.nodes(), owners);
    }

    /**
     * The ring after {@code current}: the first {@code batch} partitions (ascending) whose
     * owner differs from the target's take the target owner; the last step is the target
     * itself. Intermediate rings list the nodes of both rings, so a leaving node stays
     * addressable until its last partition is gone.
     */
    public static Ring next(Ring current, Ring target, int batch) {
        checkQ(current, target);
        if (current.version() >= target.version()) {
            return current;
        }
        List<String> owners = new ArrayList<>(current.q());
        int switched = 0;
        int remaining = 0;
        for (int p = 0; p < current.q(); p++) {
            String now = current.ownerOf(p);
            String then = target.ownerOf(p);
            if (!now.equals(then) && switched < batch) {
                owners.add(then);
                switched++;
            } else {
                if (!now.equals(then)) {
                    remaining++;
                }
                owners.add(now);
            }
        }
        if (remaining == 0 || current.version() + 1 >= target.version()) {
            return target;
        }
        Map<String, NodeInfo> nodes = new TreeMap<>();
        for (NodeInfo n : current.nodes()) {
            nodes.put(n.id(), n);
        }
        for (NodeInfo n : target.nodes()) {
            nodes.put(n.id(), n);
        }
        List<NodeInfo> sorted = new ArrayList<>(nodes.values());
        sorted.sort(Comparator.comparing(NodeInfo::id));
        return Ring.of(current.version() + 1, sorted, owners);
    }

    /**
     * What {@code node} must receive before {@code next} replaces {@code current}: every
     * (table, partition) whose preference list in {@code next} has the node and in
     * {@code current} has not. {@code tables} maps each table to its replication factor.
     */
    public static List<Transfer> transfers(String node, Ring current, Ring next, Map<String, Integer> tables) {
        List<Transfer> out = new ArrayList<>();
        if (!next.contains(node)) {
            return out;
        }
        for (Map.Entry<String, Integer> t : new TreeMap<>(tables).entrySet()) {
            int n = t.getValue();
            // every partition is checked: a walk of n distinct owners can cross many partitions
            for (int q = 0; q < current.q(); q++) {
                if (next.preferenceList(q, n).contains(node) && !current.preferenceList(q, n).contains(node)) {
                    out.add(new Transfer(t.getKey(), n, q));
                }
            }
        }
        return dedupe(out);
    }

    /** Every node that receives something for the step from {@code current} to {@code next}. */
    public static Set<String> receivers(Ring current, Ring next, Map<String, Integer> tables) {
        Set<String> out = new TreeSet<>();
        for (int n : new TreeSet<>(tables.values())) {
            for (int q = 0; q < current.q(); q++) {
                List<String> before = current.preferenceList(q, n);
                for (String node : next.preferenceList(q, n)) {
                    if (!before.contains(node)) {
                        out.add(node);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Nodes beyond the current preference list of {@code partition} that writes must also
     * reach while the ring moves: the new replicas of the next step and of the target.
     */
    public static List<String> pending(Ring current, Ring next, Ring target, int n, int partition) {
        List<String> before = current.preferenceList(partition, n);
        Set<String> out = new LinkedHashSet<>();
        for (Ring r : new Ring[] {next, target}) {
            if (r.version() <= current.version()) {
                continue;
            }
            for (String node : r.preferenceList(partition, n)) {
                if (!before.contains(node)) {
                    out.add(node);
                }
            }
        }
        return List.copyOf(out);
    }

    private static List<Transfer> dedupe(List<Transfer> in) {
        return List.copyOf(new LinkedHashSet<>(in));
    }

    private static void checkQ(Ring a, Ring b) {
        if (a.q() != b.q()) {
            throw new IllegalArgumentException("rings of different q: " + a.q() + " and " + b.q());
        }
    }
}
