package dev.dynamo.sim;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints the simulation's results as a Markdown table: per configuration and fault kind,
 * the writes acknowledged, the acknowledged writes lost (violations: must be 0), those
 * dropped by design (lww losers, folded carts, buffered writes every holder lost in a
 * crash) and the virtual time from the heal until every replica agreed. From the
 * repository root:
 *
 * <pre>{@code
 * mvn -B -q -pl dynamo-sim compile exec:java -Dexec.mainClass=dev.dynamo.sim.ResultsTable \
 *     -Dexec.args="--seeds 4"
 * }</pre>
 *
 * Options: {@code --seeds N} per cell (default 4), {@code --first-seed S} (default 1000, apart
 * from CI's seeds), {@code --configs a,b} (default: the CI matrix and the sync configurations).
 * Exit status 1 when any run broke a guarantee.
 */
public final class ResultsTable {

    private ResultsTable() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out);
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out) {
        int seeds = 4;
        long firstSeed = 1_000;
        List<SimConfig> configs = new ArrayList<>(SimConfig.MATRIX);
        configs.addAll(SimConfig.SYNC);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seeds" -> seeds = Integer.parseInt(next(args, ++i));
                case "--first-seed" -> firstSeed = Long.parseLong(next(args, ++i));
                case "--configs" -> {
                    configs.clear();
                    for (String c : next(args, ++i).split(",")) {
                        configs.add(SimConfig.parse(c));
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + args[i]
                        + "'; usage: [--seeds N] [--first-seed S] [--configs lww-w1,cart-w2-sync,...]");
            }
        }
        out.printf("%d seeds per cell (seeds %d..%d), 3 to 5 nodes, N=3 R=2, %d clients x %d ops, %d ms of faults;"
                        + " times are virtual%n%n", seeds, firstSeed, firstSeed + seeds - 1,
                SimOptions.DEFAULTS.clients(), SimOptions.DEFAULTS.opsPerClient(), SimOptions.DEFAULTS.workloadMillis());
        out.println("| configuration | fault kind | runs | ops acknowledged | acknowledged lost | dropped by design"
                + " | lost in buffered crashes | time to converge (ms, mean / max) |");
        out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        int broken = 0;
        List<String> failures = new ArrayList<>();
        for (SimConfig config : configs) {
            for (FaultKind kind : FaultKind.values()) {
                int acked = 0;
                int lost = 0;
                int byDesign = 0;
                int crashLost = 0;
                long convergeSum = 0;
                long convergeMax = 0;
                int converged = 0;
                for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
                    SimResult r = Simulation.run(seed, config, kind, SimOptions.DEFAULTS);
                    acked += r.acknowledged();
                    lost += r.acknowledgedLost();
                    byDesign += r.discardedByDesign();
                    crashLost += r.lostInCrashes();
                    if (r.convergeMillis() >= 0) {
                        converged++;
                        convergeSum += r.convergeMillis();
                        convergeMax = Math.max(convergeMax, r.convergeMillis());
                    }
                    if (!r.ok()) {
                        broken++;
                        failures.add(r.replayCommand());
                    }
                }
                String converge = converged == seeds ? (convergeSum / seeds) + " / " + convergeMax
                        : (seeds - converged) + " never";
                out.printf("| %s | %s | %d | %d | %d | %d | %d | %s |%n", config, kind.label(), seeds, acked, lost,
                        byDesign, crashLost, converge);
            }
        }
        if (broken > 0) {
            out.printf("%n%d run(s) broke a guarantee; replay with:%n", broken);
            failures.forEach(out::println);
            return 1;
        }
        return 0;
    }

    private static String next(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("option " + args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
