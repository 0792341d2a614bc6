package dev.dynamo.sim;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a {@link DepthRun} found per configuration: runs, failing runs, what the checkers
 * counted, and the time the runs took on their threads. Thread-safe: workers add results as
 * they finish.
 *
 * <pre>{@code
 * DepthTally t = new DepthTally(configs);
 * t.add(result, nanos);
 * out.print(t.table());
 * }</pre>
 */
final class DepthTally {

    /** One configuration's totals. */
    static final class Row {
        long runs;
        long failing;
        long acknowledged;
        long discardedByDesign;
        long lostInCrashes;
        long runNanos;
        final Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
    }

    private final Map<SimConfig, Row> rows = new LinkedHashMap<>();

    DepthTally(Iterable<SimConfig> configs) {
        configs.forEach(c -> rows.put(c, new Row()));
    }

    synchronized void add(SimResult r, long nanos) {
        Row row = rows.get(r.config());
        row.runs++;
        row.kinds.add(r.kind());
        row.acknowledged += r.acknowledged();
        row.discardedByDesign += r.discardedByDesign();
        row.lostInCrashes += r.lostInCrashes();
        row.runNanos += nanos;
        if (!r.ok()) {
            row.failing++;
        }
    }

    /** A run that threw instead of returning a result: a failure too. */
    synchronized void addError(SimConfig config, FaultKind kind, long nanos) {
        Row row = rows.get(config);
        row.runs++;
        row.failing++;
        row.kinds.add(kind);
        row.runNanos += nanos;
    }

    synchronized long runs() {
        return rows.values().stream().mapToLong(r -> r.runs).sum();
    }

    synchronized long failing() {
        return rows.values().stream().mapToLong(r -> r.failing).sum();
    }

    /**
     * The summary as a Markdown table: per configuration the runs, failing runs, acknowledged
     * writes, writes dropped by design or lost in buffered crashes, and the mean time of one
     * run on one thread (so "seeds per second" is per core: a run is single-threaded).
     */
    synchronized String table() {
        StringBuilder sb = new StringBuilder();
        sb.append("| configuration | fault kinds | runs | failing | writes acknowledged | dropped by design"
                + " | lost in buffered crashes | ms per run (one thread) | runs/s per thread |\n");
        sb.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        rows.forEach((config, r) -> {
            double ms = r.runs == 0 ? 0 : r.runNanos / 1e6 / r.runs;
            sb.append(String.format("| %s | %s | %d | %d | %d | %d | %d | %.0f | %.1f |%n", config, kinds(r.kinds),
                    r.runs, r.failing, r.acknowledged, r.discardedByDesign, r.lostInCrashes, ms,
                    ms == 0 ? 0 : 1_000 / ms));
        });
        return sb.toString();
    }

    private static String kinds(Set<FaultKind> kinds) {
        if (kinds.equals(EnumSet.allOf(FaultKind.class))) {
            return "all " + kinds.size();
        }
        return kinds.stream().map(FaultKind::label).collect(Collectors.joining(", "));
    }
}
