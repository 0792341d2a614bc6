package dev.dynamo.sim;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the simulation at depth: many seeds of many configurations on several threads, each
 * run deterministic and single-threaded as ever (the threads only share the work). Prints a
 * progress line periodically (runs done of planned, failing runs, rate, time left), then a
 * table per configuration; writes each failing run's replay command to
 * {@code failures.txt} and its full report (violations, history) to {@code reports.txt} in
 * the output directory as soon as it fails, and the final table to {@code summary.md}.
 *
 * <p>From the repository root, through the reactor (so the current code of every module is
 * what runs), with the arguments in one property:
 *
 * <pre>{@code
 * mvn -B -q -pl dynamo-sim -am test -Dtest=SimulationDepthRun -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dsim.depth="--seeds 10000 --config cart-w1,cart-w2 --threads 2"
 * }</pre>
 *
 * or as a program ({@code exec:java -Dexec.mainClass=dev.dynamo.sim.DepthRun}, which runs the
 * other modules from the local repository). Options: see {@link DepthOptions}. Exit status
 * 1 when any run failed.
 */
public final class DepthRun {

    /** One simulated run; {@link Simulation#run} with the default options, or a stand-in in tests. */
    @FunctionalInterface
    interface Runner {
        SimResult run(long seed, SimConfig config, FaultKind kind);
    }

    /** What a depth run did. */
    public record Summary(long planned, long runs, long failing, boolean stoppedEarly, Duration elapsed,
                          String table) {
        public boolean ok() {
            return failing == 0 && !stoppedEarly;
        }
    }

    private final DepthOptions options;
    private final Runner runner;
    private final PrintStream out;
    private final DepthTally tally;
    private final AtomicLong next = new AtomicLong();
    private final long planned;
    private final Object files = new Object();
    private long startNanos;

    DepthRun(DepthOptions options, Runner runner, PrintStream out) {
        this.options = options;
        this.runner = runner;
        this.out = out;
        this.tally = new DepthTally(options.configs());
        this.planned = (long) options.seeds() * options.configs().size();
    }

    public static void main(String[] args) {
        Summary s = run(DepthOptions.parse(args), System.out);
        if (s.failing() > 0) {
            System.exit(1);
        }
    }

    /** Runs what {@code options} ask, reporting to {@code out}. */
    public static Summary run(DepthOptions options, PrintStream out) {
        return new DepthRun(options, (seed, config, kind) -> Simulation.run(seed, config, kind, SimOptions.DEFAULTS),
                out).execute();
    }

    Summary execute() {
        Path dir = options.out();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("failures.txt"), "");
            Files.writeString(dir.resolve("reports.txt"), "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the output directory " + dir.toAbsolutePath(), e);
        }
        out.printf("sim depth: %d seeds (%d..%d) x %d configurations %s = %d runs on %d threads; failures to %s%n",
                options.seeds(), options.firstSeed(), options.firstSeed() + options.seeds() - 1,
                options.configs().size(), options.configs(), planned, options.threads(), dir.toAbsolutePath());
        startNanos = System.nanoTime();
        long deadline = options.maxMillis() == 0 ? Long.MAX_VALUE
                : startNanos + TimeUnit.MILLISECONDS.toNanos(options.maxMillis());
        ExecutorService workers = Executors.newFixedThreadPool(options.threads(), daemon("sim-depth-worker"));
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("sim-depth-progress"));
        try {
            ticker.scheduleAtFixedRate(this::progress, options.progressMillis(), options.progressMillis(),
                    TimeUnit.MILLISECONDS);
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < options.threads(); t++) {
                tasks.add(() -> {
                    work(deadline);
                    return null;
                });
            }
            for (Future<Void> f : workers.invokeAll(tasks)) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the depth run was interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a depth run worker failed", e.getCause());
        } finally {
            ticker.shutdownNow();
            workers.shutdownNow();
        }
        progress();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        String table = tally.table();
        long runs = tally.runs();
        long failing = tally.failing();
        boolean early = runs < planned;
        String footer = String.format("%d of %d runs%s in %s, %d failing%s%n", runs, planned,
                early ? " (stopped at --max-minutes)" : "", format(elapsed), failing,
                failing == 0 ? "" : "; replay commands in " + dir.resolve("failures.txt").toAbsolutePath());
        out.println();
        out.print(table);
        out.println();
        out.print(footer);
        try {
            Files.writeString(dir.resolve("summary.md"), "seeds " + options.firstSeed() + ".."
                    + (options.firstSeed() + options.seeds() - 1) + ", " + options.threads() + " threads\n\n" + table
                    + "\n" + footer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("summary.md").toAbsolutePath(), e);
        }
        return new Summary(planned, runs, failing, early, elapsed, table);
    }

    /** Takes runs until none is left or the deadline passed; run i is seed first + i / C of configuration i mod C. */
    private void work(long deadline) {
        int configs = options.configs().size();
        while (System.nanoTime() < deadline) {
            long i = next.getAndIncrement();
            if (i >= planned) {
                return;
            }
            long seed = options.firstSeed() + i / configs;
            SimConfig config = options.configs().get((int) (i % configs));
            FaultKind kind = options.kindFor(config, seed);
            long t0 = System.nanoTime();
            SimResult r;
            try {
                r = runner.run(seed, config, kind);
            } catch (RuntimeException e) {
                // a run that throws (the livelock guard, a bug in the harness) is a failing seed, not the end of the run
                tally.addError(config, kind, System.nanoTime() - t0);
                failed(config, seed, kind, "the run threw " + e, Replay.command(seed, config, kind,
                        SimOptions.DEFAULTS), e.toString());
                continue;
            }
            tally.add(r, System.nanoTime() - t0);
            if (!r.ok()) {
                failed(config, seed, kind, r.violations().get(0).toString(), r.replayCommand(), r.report());
            }
        }
    }

    private void failed(SimConfig config, long seed, FaultKind kind, String first, String replay, String report) {
        String depth = "mvn -B -q -pl dynamo-sim -am test -Dtest=SimulationDepthRun"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dsim.depth=\"--config " + config + " --first-seed " + seed
                + " --seeds 1" + (options.fault() == null ? "" : " --fault " + kind.label()) + "\"";
        synchronized (files) {
            try {
                append("failures.txt", "# " + config + " seed " + seed + " (" + kind.label() + "): " + first + "\n"
                        + replay + "\n" + "# or, through the reactor: " + depth + "\n");
                append("reports.txt", report + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot record the failing seed " + seed + " of " + config, e);
            }
        }
        out.printf("sim depth: FAILED %s seed %d (%s): %s%n", config, seed, kind.label(), first);
    }

    private void append(String file, String text) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(options.out().resolve(file), StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND)) {
            w.write(text);
        }
    }

    private void progress() {
        long done = tally.runs();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = seconds <= 0 ? 0 : done / seconds;
        String eta = rate <= 0 ? "?" : format(Duration.ofSeconds((long) ((planned - done) / rate)));
        out.printf("sim depth: %d/%d runs (%.1f%%), %d failing, %.1f runs/s, elapsed %s, ETA %s%n", done, planned,
                100.0 * done / planned, tally.failing(), rate, format(Duration.ofSeconds((long) seconds)), eta);
    }

    private static String format(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600) {
            return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
