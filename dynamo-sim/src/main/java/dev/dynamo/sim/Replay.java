package dev.dynamo.sim;

import java.io.PrintStream;

/**
 * Replays one simulation run from its seed and prints its report, with the full history
 * when asked. Run from the repository root:
 *
 * <pre>{@code
 * mvn -B -q -pl dynamo-sim compile exec:java -Dexec.mainClass=dev.dynamo.sim.Replay \
 *     -Dexec.args="--seed 42 --config siblings-w2 --fault crash-restart"
 * }</pre>
 *
 * Options: {@code --seed S} (required), {@code --config C} (e.g. {@code lww-w1},
 * {@code cart-w3-sync}), {@code --fault K} (a {@link FaultKind} label; default: the seed's
 * kind), {@code --nodes N}, {@code --ops N} (operations per client), {@code --disk mvstore}
 * (crashable engines over MVStore files instead of memory), {@code --history}
 * (print every operation and fault of the run). Exit status 1 when a checker fails.
 */
public final class Replay {

    private Replay() {
    }

    /** The command line that replays {@code (seed, config, kind, options)}. */
    static String command(long seed, SimConfig config, FaultKind kind, SimOptions options) {
        StringBuilder args = new StringBuilder("--seed " + seed + " --config " + config + " --fault " + kind.label());
        if (options.nodes() != SimOptions.DEFAULTS.nodes()) {
            args.append(" --nodes ").append(options.nodes());
        }
        if (!options.disk().equals(SimOptions.DEFAULTS.disk())) {
            args.append(" --disk ").append(options.disk());
        }
        if (options.opsPerClient() != SimOptions.DEFAULTS.opsPerClient()) {
            args.append(" --ops ").append(options.opsPerClient());
        }
        return "mvn -B -q -pl dynamo-sim compile exec:java -Dexec.mainClass=dev.dynamo.sim.Replay -Dexec.args=\""
                + args + " --history\"";
    }

    public static void main(String[] args) {
        int status = run(args, System.out);
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out) {
        Long seed = null;
        SimConfig config = SimConfig.parse("siblings-w2");
        FaultKind kind = null;
        SimOptions options = SimOptions.DEFAULTS;
        boolean fullHistory = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                case "--config" -> config = SimConfig.parse(value(args, ++i, a));
                case "--fault" -> kind = FaultKind.parse(value(args, ++i, a));
                case "--nodes" -> options = options.withNodes(Integer.parseInt(value(args, ++i, a)));
                case "--ops" -> options = options.withOpsPerClient(Integer.parseInt(value(args, ++i, a)));
                case "--disk" -> options = options.withDisk(value(args, ++i, a));
                case "--history" -> fullHistory = true;
                default -> throw new IllegalArgumentException("unknown option '" + a
                        + "'; usage: --seed S [--config C] [--fault K] [--nodes N] [--ops N] [--disk memory|mvstore] [--history]");
            }
        }
        if (seed == null) {
            throw new IllegalArgumentException("--seed is required; usage: --seed S [--config C] [--fault K]"
                    + " [--nodes N] [--ops N] [--disk memory|mvstore] [--history]");
        }
        if (kind == null) {
            kind = FaultKind.forSeed(seed);
        }
        SimResult r = Simulation.run(seed, config, kind, options);
        out.print(r.report());
        if (fullHistory) {
            out.println("full history (virtual ms since start):");
            out.print(r.history().render(null, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE));
        }
        return r.ok() ? 0 : 1;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException("option " + option + " needs a value");
        }
        return args[i];
    }
}
