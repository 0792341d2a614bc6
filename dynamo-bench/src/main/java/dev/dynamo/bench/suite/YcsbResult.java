package dev.dynamo.bench.suite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one {@code site.ycsb.Client} run printed (its text exporter), with
 * {@code measurementtype=hdrhistogram} and {@code hdrhistogram.percentiles=50,99,99.9}:
 * overall throughput, and per operation type its count, percentiles and statuses.
 *
 * <pre>{@code
 * YcsbResult r = YcsbResult.parse(Files.readAllLines(Path.of("run.txt")));
 * double p999 = r.ops().get("READ").percentileMicros(99.9);
 * }</pre>
 *
 * @param throughput overall operations per second, or NaN when the run printed none
 * @param runtimeMillis the run's length
 * @param ops per operation type (READ, UPDATE, INSERT, READ-MODIFY-WRITE, SCAN ...), in printed order;
 *            YCSB's {@code <OP>-FAILED} measurements are folded into their op's failures
 */
public record YcsbResult(double throughput, double runtimeMillis, Map<String, Op> ops) {

    private static final Pattern LINE = Pattern.compile("^\\[([A-Za-z0-9_-]+)], ([^,]+), (.+)$");
    private static final Pattern PERCENTILE = Pattern.compile("^(\\d+(?:\\.\\d+)?)(?:th|st|nd|rd)?PercentileLatency\\(us\\)$");

    /**
     * One operation type.
     *
     * @param count successful and failed operations YCSB measured (its "Operations")
     * @param percentilesMicros latency percentiles in microseconds, by percentile
     * @param statuses counts by YCSB status name (OK, NOT_FOUND, NOT_IMPLEMENTED, ERROR, ...)
     */
    public record Op(long count, Map<Double, Double> percentilesMicros, Map<String, Long> statuses) {
        public double percentileMicros(double p) {
            return percentilesMicros.getOrDefault(p, Double.NaN);
        }

        /** Operations whose status was not OK. */
        public long failed() {
            return statuses.entrySet().stream().filter(e -> !e.getKey().equals("OK")).mapToLong(Map.Entry::getValue)
                    .sum();
        }
    }

    public static YcsbResult parse(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    public static YcsbResult parse(List<String> lines) {
        double throughput = Double.NaN;
        double runtime = Double.NaN;
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, Map<Double, Double>> percentiles = new LinkedHashMap<>();
        Map<String, Map<String, Long>> statuses = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line.trim());
            if (!m.matches()) {
                continue;
            }
            String section = m.group(1);
            String name = m.group(2).trim();
            String value = m.group(3).trim();
            if (section.equals("OVERALL")) {
                if (name.equals("Throughput(ops/sec)")) {
                    throughput = number(value);
                } else if (name.equals("RunTime(ms)")) {
                    runtime = number(value);
                }
                continue;
            }
            if (section.equals("CLEANUP") || section.startsWith("TOTAL_GC") || section.equals("TOTAL_GCS")
                    || section.startsWith("TOTAL_")) {
                continue;
            }
            boolean failedSection = section.endsWith("-FAILED");
            String op = failedSection ? section.substring(0, section.length() - "-FAILED".length()) : section;
            if (name.equals("Operations")) {
                counts.merge(op, (long) number(value), Long::sum);
            } else if (name.startsWith("Return=")) {
                statuses.computeIfAbsent(op, k -> new LinkedHashMap<>()).merge(name.substring("Return=".length()),
                        (long) number(value), Long::sum);
            } else if (!failedSection) {
                Matcher p = PERCENTILE.matcher(name);
                if (p.matches()) {
                    percentiles.computeIfAbsent(op, k -> new LinkedHashMap<>()).put(Double.parseDouble(p.group(1)),
                            number(value));
                }
            }
        }
        Map<String, Op> ops = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            ops.put(e.getKey(), new Op(e.getValue(), percentiles.getOrDefault(e.getKey(), Map.of()),
                    statuses.getOrDefault(e.getKey(), Map.of())));
        }
        return new YcsbResult(throughput, runtime, ops);
    }

    private static double number(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
