package dev.dynamo.bench.suite;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Turns a results directory of {@code bench/suite.sh} into its Markdown report: the run's
 * date, commit and machine, one table with every run (throughput, and p50/p99/p99.9 per
 * operation type), then the ratios the issue asks for.
 *
 * <p>The directory holds {@code meta.properties} (date, commit, cpu, cores, ram, jdk,
 * records, duration, ...), optionally {@code notes.txt} (one problem a line) and
 * {@code ring-balance.md} (the load-balance table), and {@code manifest.tsv}, one line per YCSB run:
 * {@code kind TAB label TAB engine TAB workload TAB threads TAB file}, where kind is one of
 * {@code ours3} (3 nodes, N=3 R=2 W=2), {@code ours1} (1 node, N=1), {@code echo},
 * {@code engine} (in-process storage), {@code cassandra}, or an experiment's arm
 * ({@code coord-client}, {@code coord-any}, {@code dur-buffered}, {@code dur-sync}); file
 * is the YCSB output, relative to the directory.
 *
 * <pre>{@code
 * java -cp ... dev.dynamo.bench.suite.SuiteReport /tmp/bench-results > report.md
 * }</pre>
 */
public final class SuiteReport {

    /** One run of the manifest with its parsed output (null when the output is missing or empty). */
    record Run(String kind, String label, String engine, String workload, int threads, YcsbResult result) {
    }

    private final Properties meta;
    private final List<Run> runs;
    /** Markdown of the load-balance experiment ({@code ring-balance.md}), or null. */
    private final String ringBalance;
    /** Lines of {@code notes.txt}: what went wrong on the way (failed loads, ...). */
    private final List<String> notes;

    SuiteReport(Properties meta, List<Run> runs, String ringBalance, List<String> notes) {
        this.meta = meta;
        this.runs = runs;
        this.ringBalance = ringBalance;
        this.notes = notes;
    }

    static SuiteReport load(Path dir) throws IOException {
        Properties meta = new Properties();
        Path metaFile = dir.resolve("meta.properties");
        if (Files.exists(metaFile)) {
            try (Reader r = Files.newBufferedReader(metaFile, StandardCharsets.UTF_8)) {
                meta.load(r);
            }
        }
        List<Run> runs = new ArrayList<>();
        Path manifest = dir.resolve("manifest.tsv");
        if (Files.exists(manifest)) {
            for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length < 6) {
                    throw new IllegalArgumentException(manifest + ": expected 6 tab-separated fields in '" + line + "'");
                }
                Path out = dir.resolve(f[5]);
                YcsbResult result = Files.exists(out) ? YcsbResult.parse(out) : null;
                if (result != null && result.ops().isEmpty()) {
                    result = null;
                }
                runs.add(new Run(f[0], f[1], f[2], f[3], Integer.parseInt(f[4].trim()), result));
            }
        }
        Path balance = dir.resolve("ring-balance.md");
        String ringBalance = Files.exists(balance) ? Files.readString(balance, StandardCharsets.UTF_8) : null;
        Path notes = dir.resolve("notes.txt");
        List<String> noteLines = Files.exists(notes) ? Files.readAllLines(notes, StandardCharsets.UTF_8) : List.of();
        return new SuiteReport(meta, runs, ringBalance, noteLines);
    }

    void print(PrintStream out) {
        out.println("## Benchmark suite results");
        out.println();
        out.printf("- date: %s, commit: %s%n", meta.getProperty("date", "?"), meta.getProperty("commit", "?"));
        out.printf("- machine: %s, %s cores, %s RAM, %s%n", meta.getProperty("cpu", "?"),
                meta.getProperty("cores", "?"), meta.getProperty("ram", "?"), meta.getProperty("jdk", "?"));
        out.printf("- records: %s of ~1 KB (10 fields x 100 B), %s s per run after %s s of warm-up%s, YCSB client threads: %s%n",
                meta.getProperty("records", "?"), meta.getProperty("duration", "?"), meta.getProperty("warmup", "0"),
                meta.getProperty("first_warmup") == null ? ""
                        : " (" + meta.getProperty("first_warmup") + " s before the first run of each started target)",
                meta.getProperty("threads", "?"));
        for (String key : List.of("load", "updates", "handler_threads", "cassandra")) {
            if (meta.getProperty(key) != null) {
                out.printf("- %s: %s%n", key, meta.getProperty(key));
            }
        }
        for (String note : notes) {
            out.printf("- note: %s%n", note);
        }
        out.println();
        out.println("| target | workload | threads | ops/s | op | ops | p50 ms | p99 ms | p99.9 ms | not OK |");
        out.println("|---|---|---:|---:|---|---:|---:|---:|---:|---|");
        for (Run r : runs) {
            if (r.result() == null) {
                out.printf("| %s | %s | %d | (no result) | | | | | | |%n", r.label(), r.workload(), r.threads());
                continue;
            }
            boolean first = true;
            for (Map.Entry<String, YcsbResult.Op> e : r.result().ops().entrySet()) {
                YcsbResult.Op op = e.getValue();
                out.printf("| %s | %s | %s | %s | %s | %d | %s | %s | %s | %s |%n",
                        first ? r.label() : "", first ? r.workload() : "", first ? String.valueOf(r.threads()) : "",
                        first ? ops(r.result().throughput()) : "", e.getKey(), op.count(),
                        ms(op.percentileMicros(50)), ms(op.percentileMicros(99)), ms(op.percentileMicros(99.9)),
                        notOk(op));
                first = false;
            }
        }
        printRatios(out);
        if (ringBalance != null) {
            out.println();
            out.println("Load balance (paper §6.2): max ÷ mean load per node, Q partitions, S nodes, N=3");
            out.println();
            out.print(ringBalance);
        }
    }

    private void printRatios(PrintStream out) {
        List<String> lines = new ArrayList<>();
        Set<String> workloads = new LinkedHashSet<>();
        runs.forEach(r -> workloads.add(r.workload()));
        for (String w : workloads) {
            Run cassandra = find("cassandra", null, w);
            for (Run ours : runs) {
                if (!ours.kind().equals("ours3") || !ours.workload().equals(w)) {
                    continue;
                }
                if (cassandra == null || cassandra.result() == null || ours.result() == null) {
                    lines.add(String.format("| %s ÷ Cassandra | %s | (no Cassandra result) | |", ours.label(), w));
                    continue;
                }
                lines.add(String.format("| %s ÷ Cassandra | %s | %s | %s |", ours.label(), w,
                        ratio(ours.result().throughput(), cassandra.result().throughput()),
                        p999Ratios(ours.result(), cassandra.result())));
            }
            Run n1 = find("ours1", "memory", w);
            Run echo = find("echo", null, w);
            if (n1 != null && echo != null && n1.result() != null && echo.result() != null) {
                lines.add(String.format("| %s ÷ Netty echo | %s | %s | %s |", n1.label(), w,
                        ratio(n1.result().throughput(), echo.result().throughput()),
                        p999Ratios(n1.result(), echo.result())));
            }
            pair(lines, w, "coord-client", "coord-any", "client-driven ÷ server-driven coordination");
            pair(lines, w, "dur-buffered", "dur-sync", "buffered ÷ sync durability");
        }
        if (lines.isEmpty()) {
            return;
        }
        out.println();
        out.println("| ratio | workload | throughput | p99.9 per op |");
        out.println("|---|---|---:|---|");
        lines.forEach(out::println);
    }

    private void pair(List<String> lines, String workload, String a, String b, String title) {
        for (Run x : runs) {
            if (!x.kind().equals(a) || !x.workload().equals(workload) || x.result() == null) {
                continue;
            }
            Run y = find(b, x.engine(), workload);
            if (y != null && y.result() != null) {
                lines.add(String.format("| %s (%s) | %s | %s | %s |", title, x.engine(), workload,
                        ratio(x.result().throughput(), y.result().throughput()), p999Ratios(x.result(), y.result())));
            }
        }
    }

    private Run find(String kind, String engine, String workload) {
        for (Run r : runs) {
            if (r.kind().equals(kind) && r.workload().equals(workload) && (engine == null || r.engine().equals(engine))) {
                return r;
            }
        }
        return null;
    }

    private static String p999Ratios(YcsbResult a, YcsbResult b) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, YcsbResult.Op> e : a.ops().entrySet()) {
            YcsbResult.Op other = b.ops().get(e.getKey());
            if (other != null && e.getValue().count() > 0 && other.count() > 0) {
                parts.add(e.getKey() + " " + ratio(e.getValue().percentileMicros(99.9), other.percentileMicros(99.9)));
            }
        }
        return String.join(", ", parts);
    }

    static String ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f", a / b);
    }

    static String ops(double perSecond) {
        return Double.isNaN(perSecond) ? "n/a" : String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    static String ms(double micros) {
        return Double.isNaN(micros) ? "n/a" : String.format(Locale.ROOT, "%.2f", micros / 1000.0);
    }

    private static String notOk(YcsbResult.Op op) {
        Map<String, Long> bad = new LinkedHashMap<>(op.statuses());
        bad.remove("OK");
        if (bad.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        bad.forEach((k, v) -> parts.add(k + " " + v));
        return String.join(", ", parts);
    }

    /** {@code SuiteReport RESULTS_DIR}: prints the Markdown report to standard output. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: SuiteReport RESULTS_DIR");
            System.exit(2);
        }
        load(Path.of(args[0])).print(System.out);
    }
}
