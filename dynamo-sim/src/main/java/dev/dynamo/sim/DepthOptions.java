package dev.dynamo.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link DepthRun} runs: {@code seeds} consecutive seeds from {@code firstSeed} on each
 * of {@code configs}, on {@code threads} threads, printing a progress line every
 * {@code progressMillis}, writing failing seeds under {@code out}, and stopping to take new
 * seeds after {@code maxMillis} (0: no limit).
 *
 * <p>A run's fault kind is {@code fault} when given, otherwise the seed's own kind
 * ({@link FaultKind#forSeed}) on {@code buffered} configurations and {@code crash-restart} on
 * {@code -sync} ones: what CI runs (a sync table's promise is about crashes).
 *
 * <pre>{@code
 * DepthOptions o = DepthOptions.parse("--seeds 10000 --config cart-w1,cart-w2 --threads 2".split(" "));
 * }</pre>
 */
public record DepthOptions(int seeds, long firstSeed, List<SimConfig> configs, FaultKind fault, int threads,
                           Path out, long progressMillis, long maxMillis) {

    static final String USAGE = "usage: [--seeds N] [--first-seed S] [--config C[,C...]|matrix|all] [--fault K]"
            + " [--threads T] [--out DIR] [--progress-seconds P] [--max-minutes M]";

    public DepthOptions {
        if (seeds < 1) {
            throw new IllegalArgumentException("--seeds must be >= 1, was " + seeds);
        }
        if (configs.isEmpty()) {
            throw new IllegalArgumentException("--config named no configuration");
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("--threads must be 1..256, was " + threads);
        }
        if (progressMillis < 1 || maxMillis < 0) {
            throw new IllegalArgumentException("--progress-seconds must be >= 1 and --max-minutes >= 0");
        }
        configs = List.copyOf(configs);
    }

    /** The kind seed {@code seed} of {@code config} runs under. */
    FaultKind kindFor(SimConfig config, long seed) {
        if (fault != null) {
            return fault;
        }
        return config.durability() == dev.dynamo.core.table.TableConfig.Durability.SYNC ? FaultKind.CRASH_RESTART
                : FaultKind.forSeed(seed);
    }

    /**
     * Parses command-line options; defaults: 1000 seeds from 0, the nine buffered
     * configurations and the three sync ones ({@code all}), as many threads as processors,
     * {@code target/sim-depth}, a progress line every 10 s, no time limit.
     *
     * @throws IllegalArgumentException naming the bad option and the usage
     */
    public static DepthOptions parse(String... args) {
        int seeds = 1_000;
        long first = 0;
        List<SimConfig> configs = all();
        FaultKind fault = null;
        int threads = Runtime.getRuntime().availableProcessors();
        Path out = Path.of("target", "sim-depth");
        long progress = 10_000;
        long max = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.isBlank()) {
                continue;
            }
            try {
                switch (a) {
                    case "--seeds" -> seeds = Integer.parseInt(value(args, ++i, a));
                    case "--first-seed" -> first = Long.parseLong(value(args, ++i, a));
                    case "--config", "--configs" -> configs = configs(value(args, ++i, a));
                    case "--fault" -> fault = FaultKind.parse(value(args, ++i, a));
                    case "--threads" -> threads = Integer.parseInt(value(args, ++i, a));
                    case "--out" -> out = Path.of(value(args, ++i, a));
                    case "--progress-seconds" -> progress = Long.parseLong(value(args, ++i, a)) * 1_000;
                    case "--max-minutes" -> max = Long.parseLong(value(args, ++i, a)) * 60_000;
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'; " + USAGE);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option " + a + " needs a number, got '" + args[i] + "'; " + USAGE,
                        e);
            }
        }
        return new DepthOptions(seeds, first, configs, fault, threads, out, progress, max);
    }

    private static List<SimConfig> all() {
        List<SimConfig> all = new ArrayList<>(SimConfig.MATRIX);
        all.addAll(SimConfig.SYNC);
        return all;
    }

    private static List<SimConfig> configs(String spec) {
        if (spec.equals("all")) {
            return all();
        }
        if (spec.equals("matrix")) {
            return SimConfig.MATRIX;
        }
        List<SimConfig> out = new ArrayList<>();
        for (String c : spec.split(",")) {
            if (!c.isBlank()) {
                out.add(SimConfig.parse(c));
            }
        }
        return out;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException("option " + option + " needs a value; " + USAGE);
        }
        return args[i];
    }
}
