package dev.dynamo.core.ring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntToDoubleFunction;
import java.util.stream.IntStream;

/**
 * Assigns partitions to nodes in proportion to their capacity and rebalances on join,
 * leave and capacity change while moving the fewest partitions. Pure and deterministic:
 * the same inputs give the same ring and moves on every JVM, whatever the order of the
 * node list (nodes are kept sorted by id). Immutable and thread-safe.
 *
 * <p><b>Targets.</b> A node's weighted quota is {@code q·capacity/Σcapacity}; its target
 * is the quota rounded down or up, with {@code Σ targets = q} (largest remainder). Every
 * ring the planner makes meets its targets exactly, so each node owns within ±1 of its
 * quota.
 *
 * <p><b>Moves.</b> {@link #plan} takes partitions only from removed nodes and from nodes
 * above their new target, and gives them only to nodes below theirs. Where the rounding
 * leaves a choice, it rounds up the nodes that already hold more, so the number of moves
 * is the least any assignment within ±1 of the quotas allows. A node joining a balanced
 * ring of equal capacities receives exactly its target and nobody else receives anything;
 * with equal capacities, a node leaving moves exactly its own partitions.
 *
 * <p><b>Spread.</b> The planner tries not to let one node own two partitions less than
 * {@link #spread()} apart, so that the preference list of a partition is usually its next
 * {@code spread} owners and replica load follows partition load. Pick the largest N of
 * your tables; balance and minimality always take precedence.
 *
 * <pre>{@code
 * RingPlanner planner = new RingPlanner();               // spread 3
 * Ring ring = planner.initial(1024, List.of(NodeInfo.of("a"), NodeInfo.of("b"), NodeInfo.of("c")));
 * RingPlan join = planner.plan(ring, List.of(NodeInfo.of("a"), NodeInfo.of("b"), NodeInfo.of("c"),
 *                                            NodeInfo.of("d")));
 * // join.moves(): 256 partitions, each to "d"; join.ring().version() == ring.version() + 1
 * }</pre>
 */
public final class RingPlanner {

    /** The spread used by {@link #RingPlanner()}: the usual replication factor N = 3. */
    public static final int DEFAULT_SPREAD = 3;

    /** Quotas this close to an integer count as that integer (floating-point noise). */
    private static final double EPSILON = 1e-9;

    private final int spread;

    /** A planner with spread {@value #DEFAULT_SPREAD}. */
    public RingPlanner() {
        this(DEFAULT_SPREAD);
    }

    /**
     * A planner that tries to keep partitions owned by one node at least {@code spread}
     * apart; 1 turns this off.
     */
    public RingPlanner(int spread) {
        if (spread < 1) {
            throw new IllegalArgumentException("spread must be >= 1, was " + spread);
        }
        this.spread = spread;
    }

    /** How far apart, in partitions, this planner tries to keep the partitions of one node. */
    public int spread() {
        return spread;
    }

    /**
     * The first ring of a cluster (version 1): {@code q} partitions over {@code nodes},
     * each node owning its target, interleaved so that neighbours differ where possible.
     *
     * @throws IllegalArgumentException if q is out of [1, {@link Ring#MAX_Q}], nodes is
     *                                  empty or repeats an id
     */
    public Ring initial(int q, List<NodeInfo> nodes) {
        checkQ(q);
        List<NodeInfo> sorted = sortedDistinct(nodes);
        int[] target = targets(q, sorted, null);
        int[] need = target.clone();
        int[] owners = new int[q];
        Arrays.fill(owners, -1);
        int[] candidates = withNeed(need);
        // Earliest deadline first: the k-th partition of the j-th of m nodes is due at
        // (k + (j + ½)/m)·q/target. Each node is spread evenly around the whole cycle,
        // and the staggered phases keep one node from being both first and last.
        double[] phase = new double[sorted.size()];
        for (int j = 0; j < candidates.length; j++) {
            phase[candidates[j]] = (j + 0.5) / candidates.length;
        }
        IntToDoubleFunction due = i -> (target[i] - need[i] + phase[i]) / target[i];
        for (int p = 0; p < q; p++) {
            int owner = pick(owners, p, need, candidates, due);
            owners[p] = owner;
            need[owner]--;
        }
        repair(owners, IntStream.range(0, q).toArray());
        return new Ring(1, sorted, owners);
    }

    /**
     * The ring after the cluster becomes {@code nodes} (joins are new ids, leaves are
     * missing ids, capacity changes are new capacities; addresses are taken from
     * {@code nodes}), with version {@code current.version() + 1}, and the moves that get
     * there from {@code current}.
     *
     * @throws IllegalArgumentException if nodes is empty or repeats an id
     */
    public RingPlan plan(Ring current, List<NodeInfo> nodes) {
        Objects.requireNonNull(current, "current");
        List<NodeInfo> sorted = sortedDistinct(nodes);
        int q = current.q();
        Map<String, Integer> newIndex = new LinkedHashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            newIndex.put(sorted.get(i).id(), i);
        }
        int[] oldToNew = new int[current.nodes().size()];
        for (int i = 0; i < oldToNew.length; i++) {
            oldToNew[i] = newIndex.getOrDefault(current.nodes().get(i).id(), -1);
        }
        int[] owners = new int[q];
        int[] load = new int[sorted.size()];
        for (int p = 0; p < q; p++) {
            owners[p] = oldToNew[current.ownerIndex(p)];
            if (owners[p] >= 0) {
                load[owners[p]]++;
            }
        }
        int[] target = targets(q, sorted, load);
        int[] need = new int[sorted.size()];
        for (int i = 0; i < need.length; i++) {
            need[i] = target[i] - load[i];
        }
        for (int i = 0; i < need.length; i++) {
            if (need[i] < 0) {
                shed(owners, i, -need[i]);
                need[i] = 0;
            }
        }
        int[] candidates = withNeed(need);
        int[] freed = IntStream.range(0, q).filter(p -> owners[p] < 0).toArray();
        for (int p : freed) {
            int owner = pick(owners, p, need, candidates, i -> -need[i]);
            owners[p] = owner;
            need[owner]--;
        }
        // receivers are never donors, so permuting the new owners of freed partitions
        // keeps the moves as few
        repair(owners, freed);
        List<PartitionMove> moves = new ArrayList<>(freed.length);
        for (int p : freed) {
            moves.add(new PartitionMove(p, current.ownerOf(p), sorted.get(owners[p]).id()));
        }
        return new RingPlan(new Ring(Math.addExact(current.version(), 1), sorted, owners), moves);
    }

    /**
     * Each node's target number of partitions: its weighted quota
     * {@code q·capacity/Σcapacity} rounded by largest remainder (ties to the smaller id),
     * by id. {@link #initial} meets these exactly; {@link #plan} may round a different
     * node up among equal choices to move less.
     */
    public static Map<String, Integer> targets(int q, List<NodeInfo> nodes) {
        checkQ(q);
        List<NodeInfo> sorted = sortedDistinct(nodes);
        int[] targets = targets(q, sorted, null);
        Map<String, Integer> result = new LinkedHashMap<>();
        for (int i = 0; i < targets.length; i++) {
            result.put(sorted.get(i).id(), targets[i]);
        }
        return Collections.unmodifiableMap(result);
    }

    /**
     * Targets for {@code nodes} (sorted by id). The remaining units after rounding down go
     * to the nodes with a fractional quota: with current {@code load}s, first to nodes
     * holding more than their floor (each saves a move), then to nodes already receiving,
     * then to the rest; within a tier by largest remainder, then smaller id.
     */
    static int[] targets(int q, List<NodeInfo> nodes, int[] load) {
        int s = nodes.size();
        double max = 0;
        for (NodeInfo node : nodes) {
            max = Math.max(max, node.capacity());
        }
        double[] ratio = new double[s];
        double sum = 0;
        for (int i = 0; i < s; i++) {
            ratio[i] = nodes.get(i).capacity() / max; // in (0, 1]: the sum cannot overflow
            sum += ratio[i];
        }
        int[] target = new int[s];
        double[] fraction = new double[s];
        long assigned = 0;
        for (int i = 0; i < s; i++) {
            double quota = q * (ratio[i] / sum);
            double rounded = Math.rint(quota);
            if (Math.abs(quota - rounded) < EPSILON) {
                quota = rounded;
            }
            target[i] = (int) Math.floor(quota);
            fraction[i] = quota - target[i];
            assigned += target[i];
        }
        Integer[] order = new Integer[s];
        for (int i = 0; i < s; i++) {
            order[i] = i;
        }
        int extra = (int) (q - assigned);
        if (extra < 0) { // floating-point safety: take back from the smallest remainders
            Arrays.sort(order, Comparator.comparingDouble((Integer i) -> fraction[i])
                    .thenComparing(Comparator.<Integer>reverseOrder()));
            for (int j = 0; extra < 0; j = (j + 1) % s) {
                if (target[order[j]] > 0) {
                    target[order[j]]--;
                    extra++;
                }
            }
            return target;
        }
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> fraction[i] > 0 ? 0 : 1)
                .thenComparingInt(i -> load == null ? 0 : load[i] > target[i] ? 0 : load[i] < target[i] ? 1 : 2)
                .thenComparing(Comparator.comparingDouble((Integer i) -> fraction[i]).reversed())
                .thenComparingInt(i -> i));
        for (int j = 0; extra > 0; j = (j + 1) % s) {
            target[order[j]]++;
            extra--;
        }
        return target;
    }

    /**
     * Frees {@code count} partitions of {@code node}, one from each of {@code count} equal
     * runs of its partitions so that it keeps a spread-out share. Within a run it prefers
     * a partition with no freed partition within the spread (freed partitions often go to
     * the same receiver), then one close to another partition of the same node, then the
     * middle of the run.
     */
    private void shed(int[] owners, int node, int count) {
        int q = owners.length;
        int[] mine = new int[q];
        int m = 0;
        for (int p = 0; p < q; p++) {
            if (owners[p] == node) {
                mine[m++] = p;
            }
        }
        int window = spread - 1;
        for (int j = 0; j < count; j++) {
            int from = (int) ((long) j * m / count);
            int to = (int) ((long) (j + 1) * m / count);
            int middle = (from + to - 1) / 2;
            int best = -1;
            int bestScore = Integer.MAX_VALUE;
            for (int k = from; k < to; k++) {
                int p = mine[k];
                int score = (conflicts(owners, p, -1, window) ? 2 * q : 0)
                        + (conflicts(owners, p, node, window) ? 0 : q)
                        + Math.abs(k - middle);
                if (score < bestScore) {
                    bestScore = score;
                    best = p;
                }
            }
            owners[best] = -1;
        }
    }

    /**
     * The owner for free partition {@code p}: among the candidates that still need
     * partitions and own nothing within the spread of {@code p}, the one with the lowest
     * {@code rank} (ties to the smaller id); the spread is relaxed step by step if none
     * qualifies.
     */
    private int pick(int[] owners, int p, int[] need, int[] candidates, IntToDoubleFunction rank) {
        for (int window = spread - 1; window >= 0; window--) {
            int best = -1;
            double bestRank = 0;
            for (int i : candidates) {
                if (need[i] > 0 && !conflicts(owners, p, i, window)) {
                    double r = rank.applyAsDouble(i);
                    if (best < 0 || r < bestRank) {
                        best = i;
                        bestRank = r;
                    }
                }
            }
            if (best >= 0) {
                return best;
            }
        }
        throw new IllegalStateException("no node needs partition " + p + ": targets do not add up to q");
    }

    /**
     * Local search after a greedy fill: swaps the owners of two {@code positions} while
     * that lowers the spread penalty (the sum over pairs of partitions of one node closer
     * than the spread, nearer pairs weighing more). Counts per node do not change. The
     * greedy fill is good but can be forced into a clash at the end of the cycle; this
     * removes most of those. Work is bounded, first improvement wins: deterministic.
     */
    private void repair(int[] owners, int[] positions) {
        if (spread < 2 || positions.length < 2) {
            return;
        }
        long budget = 16L * owners.length + 1024;
        boolean improved = true;
        for (int pass = 0; pass < 4 && improved; pass++) {
            improved = false;
            for (int p : positions) {
                int a = owners[p];
                int here = penalty(owners, p, a);
                if (here == 0) {
                    continue;
                }
                for (int r : positions) {
                    if (--budget < 0) {
                        return;
                    }
                    int b = owners[r];
                    if (a == b || penalty(owners, p, b) >= here) {
                        continue; // b would clash at p as much: not worth a closer look
                    }
                    int before = here + penalty(owners, r, b);
                    owners[p] = b;
                    owners[r] = a;
                    // the pair (p, r) itself holds different nodes before and after
                    if (penalty(owners, p, b) + penalty(owners, r, a) < before) {
                        improved = true;
                        break;
                    }
                    owners[p] = a;
                    owners[r] = b;
                }
            }
        }
    }

    /** How much {@code node} at {@code p} clashes with its own partitions within the spread. */
    private int penalty(int[] owners, int p, int node) {
        int q = owners.length;
        int penalty = 0;
        for (int d = 1; d < spread && d < q; d++) {
            int after = p + d >= q ? p + d - q : p + d;
            int before = p - d < 0 ? p - d + q : p - d;
            if (owners[after] == node && after != p) {
                penalty += spread - d;
            }
            if (owners[before] == node && before != p) {
                penalty += spread - d;
            }
        }
        return penalty;
    }

    /**
     * Whether {@code node} (-1: nobody, a freed partition) owns a partition other than
     * {@code p} at most {@code window} away from it.
     */
    private static boolean conflicts(int[] owners, int p, int node, int window) {
        int q = owners.length;
        for (int d = 1; d <= window && d < q; d++) {
            int after = p + d >= q ? p + d - q : p + d;
            int before = p - d < 0 ? p - d + q : p - d;
            if (owners[after] == node || owners[before] == node) {
                return true;
            }
        }
        return false;
    }

    private static int[] withNeed(int[] need) {
        return IntStream.range(0, need.length).filter(i -> need[i] > 0).toArray();
    }

    private static void checkQ(int q) {
        if (q < 1 || q > Ring.MAX_Q) {
            throw new IllegalArgumentException("q must be in [1, " + Ring.MAX_Q + "], was " + q);
        }
    }

    private static List<NodeInfo> sortedDistinct(List<NodeInfo> nodes) {
        Objects.requireNonNull(nodes, "nodes");
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("nodes must not be empty");
        }
        if (nodes.size() > Ring.MAX_NODES) {
            throw new IllegalArgumentException("at most " + Ring.MAX_NODES + " nodes, was " + nodes.size());
        }
        Set<String> ids = new HashSet<>();
        for (NodeInfo node : nodes) {
            Objects.requireNonNull(node, "nodes must not contain null");
            if (!ids.add(node.id())) {
                throw new IllegalArgumentException("duplicate node id '" + node.id() + "'");
            }
        }
        List<NodeInfo> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparing(NodeInfo::id));
        return List.copyOf(sorted);
    }
}
