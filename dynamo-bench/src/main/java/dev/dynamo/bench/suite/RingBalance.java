package dev.dynamo.bench.suite;

import dev.dynamo.core.ring.Md5Partitioner;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paper's load-balance experiment (§6.2, strategy 3: Q equal-sized partitions), on our
 * ring: for Q partitions and S equal nodes, how far the busiest node is above the mean
 * (max ÷ mean, 1.00 is perfect) in primary partitions, in replicas at N=3, and in replicas
 * of {@code keys} YCSB keys placed by md5. Two rings per (Q, S): the initial ring of S nodes,
 * and the ring reached by growing a 3-node cluster one node at a time (the planner's fewest
 * moves), which is what a live cluster ends up with.
 *
 * <pre>
 * java -cp ... dev.dynamo.bench.suite.RingBalance [KEYS]      # default 100000
 * </pre>
 */
public final class RingBalance {
    private static final int N = 3;

    private RingBalance() {
    }

    /** One row: max ÷ mean of each load measure. */
    record Balance(int q, int s, String ring, double partitions, double replicas, double keys) {
    }

    static List<Balance> measure(int[] qs, int minNodes, int maxNodes, int keyCount) {
        Md5Partitioner md5 = new Md5Partitioner();
        long[] positions = new long[keyCount];
        for (int i = 0; i < keyCount; i++) {
            positions[i] = md5.position(("user" + i).getBytes(StandardCharsets.UTF_8));
        }
        RingPlanner planner = new RingPlanner();
        List<Balance> out = new ArrayList<>();
        for (int q : qs) {
            Ring grown = planner.initial(q, nodes(minNodes));
            for (int s = minNodes; s <= maxNodes; s++) {
                if (s > minNodes) {
                    grown = planner.plan(grown, nodes(s)).ring();
                }
                out.add(balance(q, s, "initial", planner.initial(q, nodes(s)), positions));
                out.add(balance(q, s, "grown from " + minNodes, grown, positions));
            }
        }
        return out;
    }

    private static List<NodeInfo> nodes(int s) {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 1; i <= s; i++) {
            nodes.add(new NodeInfo(String.format(Locale.ROOT, "n%02d", i), "127.0.0.1:" + (7000 + i), 1.0));
        }
        return nodes;
    }

    private static Balance balance(int q, int s, String name, Ring ring, long[] positions) {
        Map<String, Long> primaries = new HashMap<>();
        Map<String, Long> replicas = new HashMap<>();
        long[] perPartition = new long[q];
        for (long position : positions) {
            perPartition[ring.partitionOf(position)]++;
        }
        Map<String, Long> keys = new HashMap<>();
        for (int p = 0; p < q; p++) {
            primaries.merge(ring.ownerOf(p), 1L, Long::sum);
            for (String node : ring.preferenceList(p, N)) {
                replicas.merge(node, 1L, Long::sum);
                keys.merge(node, perPartition[p], Long::sum);
            }
        }
        return new Balance(q, s, name, maxOverMean(primaries, s), maxOverMean(replicas, s), maxOverMean(keys, s));
    }

    private static double maxOverMean(Map<String, Long> load, int nodes) {
        long total = load.values().stream().mapToLong(Long::longValue).sum();
        long max = load.values().stream().mapToLong(Long::longValue).max().orElse(0);
        return total == 0 ? Double.NaN : max / ((double) total / nodes);
    }

    static void print(List<Balance> rows, int keys, PrintStream out) {
        out.println("| Q | S | ring | primary partitions max/mean | replicas (N=3) max/mean | " + keys
                + " keys' replicas max/mean |");
        out.println("|---:|---:|---|---:|---:|---:|");
        for (Balance b : rows) {
            out.printf(Locale.ROOT, "| %d | %d | %s | %.3f | %.3f | %.3f |%n", b.q(), b.s(), b.ring(), b.partitions(),
                    b.replicas(), b.keys());
        }
    }

    /** {@code RingBalance [KEYS]}: prints the Markdown table for Q=256 and 1024, S=3..10. */
    public static void main(String[] args) {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        print(measure(new int[] {256, 1024}, 3, 10, keys), keys, System.out);
    }
}
