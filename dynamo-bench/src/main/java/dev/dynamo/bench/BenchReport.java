package dev.dynamo.bench;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The outcome of a run. Only successful operations are in {@code latencies} (per operation
 * type, microseconds) and in {@link #operations()} and {@link #throughput()}; failed ones are
 * counted in {@code errors} by error code (docs/http-api.md) and their latencies, all types
 * together, are in {@code failureLatency}.
 *
 * @param latencies      per operation type ("get", "put"): latencies of successful operations, microseconds
 * @param errors         failed operations by error code
 * @param failureLatency latencies of failed operations, microseconds (empty when none failed)
 * @param seconds        wall time of the run
 */
public record BenchReport(Map<String, Histogram> latencies, Map<String, Long> errors, Histogram failureLatency,
                          double seconds) {

    /** Exit code when every operation succeeded, or some failed (then a warning is printed). */
    public static final int EXIT_OK = 0;
    /** Exit code when no operation succeeded; the error exit code of {@code bin/dynamo} (ExitCodes.ERROR). */
    public static final int EXIT_ALL_FAILED = 2;

    /** Successful operations. */
    public long operations() {
        return latencies.values().stream().mapToLong(Histogram::getTotalCount).sum();
    }

    /** Failed operations, all error codes. */
    public long failures() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Successful operations per second of wall time. */
    public double throughput() {
        return seconds > 0 ? operations() / seconds : 0;
    }

    /** {@link #EXIT_ALL_FAILED} when no operation succeeded, else {@link #EXIT_OK}. */
    public int exitCode() {
        return operations() > 0 ? EXIT_OK : EXIT_ALL_FAILED;
    }

    /**
     * Prints, for successful operations only, throughput (ops/s) and p50/p95/p99/p99.9/max
     * latency (ms) per operation type; then errors by code with the failed operations' latency,
     * and a line starting {@code WARNING:} when any operation failed.
     */
    public void print(PrintWriter out) {
        out.println("successful operations only; ops/s = successes per second of wall time, latencies in ms");
        out.printf("%-8s %10s %10s %8s %8s %8s %8s %8s%n", "op", "count", "ops/s", "p50", "p95", "p99", "p99.9",
                "max");
        for (Map.Entry<String, Histogram> e : new TreeMap<>(latencies).entrySet()) {
            Histogram h = e.getValue();
            out.printf("%-8s %10d %10.0f %8.2f %8.2f %8.2f %8.2f %8.2f%n", e.getKey(), h.getTotalCount(),
                    seconds > 0 ? h.getTotalCount() / seconds : 0, ms(h, 50), ms(h, 95), ms(h, 99), ms(h, 99.9),
                    h.getMaxValue() / 1000.0);
        }
        out.printf("total    %10d %10.0f ops/s (successful) over %.1f s%n", operations(), throughput(), seconds);
        long failed = failures();
        if (failed > 0) {
            out.println("errors: " + new TreeMap<>(errors));
            Histogram f = failureLatency;
            out.printf("failed   %10d operations, latency ms: p50 %.2f, p99 %.2f, max %.2f (not in the rows above)%n",
                    failed, ms(f, 50), ms(f, 99), f.getMaxValue() / 1000.0);
            long attempted = operations() + failed;
            out.printf("WARNING: %d of %d operations (%.1f%%) failed%s%n", failed, attempted,
                    100.0 * failed / attempted, operations() == 0
                            ? "; none succeeded, there is no throughput to report (exit code " + EXIT_ALL_FAILED + ")"
                            : "; ops/s and latencies above count successful operations only");
        } else if (operations() == 0) {
            out.printf("WARNING: no operation ran (exit code %d)%n", EXIT_ALL_FAILED);
        }
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }
}
