package dev.dynamo.bench;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The outcome of a run: per operation type a latency histogram (microseconds) and counts,
 * plus errors by error code (docs/http-api.md).
 */
public record BenchReport(Map<String, Histogram> latencies, Map<String, Long> errors, double seconds) {

    public long operations() {
        return latencies.values().stream().mapToLong(Histogram::getTotalCount).sum();
    }

    public double throughput() {
        return seconds > 0 ? operations() / seconds : 0;
    }

    /** Prints throughput and p50/p95/p99/p99.9/max per operation type, in milliseconds. */
    public void print(PrintWriter out) {
        out.printf("%-8s %10s %10s %8s %8s %8s %8s %8s%n", "op", "count", "ops/s", "p50", "p95", "p99", "p99.9",
                "max");
        for (Map.Entry<String, Histogram> e : new TreeMap<>(latencies).entrySet()) {
            Histogram h = e.getValue();
            out.printf("%-8s %10d %10.0f %8.2f %8.2f %8.2f %8.2f %8.2f%n", e.getKey(), h.getTotalCount(),
                    seconds > 0 ? h.getTotalCount() / seconds : 0, ms(h, 50), ms(h, 95), ms(h, 99), ms(h, 99.9),
                    h.getMaxValue() / 1000.0);
        }
        out.printf("total    %10d %10.0f ops/s over %.1f s%n", operations(), throughput(), seconds);
        if (!errors.isEmpty()) {
            out.println("errors: " + new TreeMap<>(errors));
        }
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }
}
