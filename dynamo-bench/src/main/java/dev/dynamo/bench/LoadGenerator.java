package dev.dynamo.bench;

import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoClient;
import dev.dynamo.api.DynamoException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

/**
 * Drives a {@link DynamoClient} with a read/write mix and records latencies in
 * HdrHistograms. Only successful operations count as throughput and go into the per-type
 * histograms (and the files of {@code histogramDir}); a {@link DynamoException} is counted
 * under its error code and its latency recorded apart (see {@link BenchReport}). Blind puts (empty context) on purpose: it is the write a cache-like
 * client makes, and last-write-wins tables compact the resulting siblings on write.
 *
 * <pre>{@code
 * BenchReport report = new LoadGenerator(client).run(options);
 * report.print(new PrintWriter(System.out, true));
 * }</pre>
 */
public final class LoadGenerator {
    private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(2);

    private final DynamoClient client;

    public LoadGenerator(DynamoClient client) {
        this.client = client;
    }

    /** {@code bin/dynamo bench ARGS}: parses the arguments and runs; returns the exit code. */
    public static int run(String[] args) {
        return BenchCommand.run(args);
    }

    public BenchReport run(BenchOptions o) throws InterruptedException {
        KeyChooser keys = o.zipfian() ? KeyChooser.zipfian(o.keyCount()) : KeyChooser.uniform(o.keyCount());
        Recorder gets = new Recorder(MAX_LATENCY_MICROS, 3);
        Recorder puts = new Recorder(MAX_LATENCY_MICROS, 3);
        Recorder failed = new Recorder(MAX_LATENCY_MICROS, 3);
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        AtomicLong remaining = new AtomicLong(o.operations() > 0 ? o.operations() : Long.MAX_VALUE);
        long start = System.nanoTime();
        long deadline = o.operations() > 0 ? Long.MAX_VALUE : start + o.duration().toNanos();
        double perThreadRate = o.targetRate() / o.threads();
        ExecutorService pool = Executors.newFixedThreadPool(o.threads(), r -> {
            Thread t = new Thread(r, "bench");
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> workers = new ArrayList<>();
        try {
            for (int t = 0; t < o.threads(); t++) {
                SplittableRandom random = new SplittableRandom(o.seed() * 31 + t);
                workers.add(pool.submit(() -> work(o, keys, random, gets, puts, failed, errors, remaining, deadline,
                        perThreadRate)));
            }
            for (Future<?> f : workers) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("a bench worker failed", e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Histogram> latencies = new java.util.LinkedHashMap<>();
        Histogram g = gets.getIntervalHistogram();
        Histogram p = puts.getIntervalHistogram();
        if (g.getTotalCount() > 0) {
            latencies.put("get", g);
        }
        if (p.getTotalCount() > 0) {
            latencies.put("put", p);
        }
        Map<String, Long> errorCounts = new java.util.TreeMap<>();
        errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
        BenchReport report = new BenchReport(latencies, errorCounts, failed.getIntervalHistogram(), seconds);
        if (o.histogramDir() != null) {
            writeHistograms(o, report);
        }
        return report;
    }

    private void work(BenchOptions o, KeyChooser keys, SplittableRandom random, Recorder gets, Recorder puts,
                      Recorder failed, Map<String, LongAdder> errors, AtomicLong remaining, long deadline, double rate) {
        byte[] value = new byte[o.valueBytes()];
        long intervalNanos = rate > 0 ? (long) (1e9 / rate) : 0;
        long intended = System.nanoTime();
        while (remaining.getAndDecrement() > 0 && System.nanoTime() < deadline) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            long startedAt;
            if (intervalNanos > 0) {
                intended += intervalNanos;
                long wait = intended - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                startedAt = intended; // measure from the intended start: no coordinated omission
            } else {
                startedAt = System.nanoTime();
            }
            byte[] key = ("key" + keys.next(random)).getBytes(StandardCharsets.UTF_8);
            boolean read = random.nextDouble() < o.readFraction();
            Recorder outcome = read ? gets : puts;
            try {
                if (read) {
                    client.get(o.table(), key);
                } else {
                    random.nextBytes(value);
                    client.put(o.table(), key, Context.EMPTY, value);
                }
            } catch (DynamoException e) {
                // a failure is no throughput: counted by code, its latency kept apart from the successes'
                errors.computeIfAbsent(e.code(), k -> new LongAdder()).increment();
                outcome = failed;
            }
            long micros = Math.min(MAX_LATENCY_MICROS, Math.max(0, (System.nanoTime() - startedAt) / 1000));
            outcome.recordValue(micros);
        }
    }

    private static void writeHistograms(BenchOptions o, BenchReport report) {
        try {
            Files.createDirectories(o.histogramDir());
            for (Map.Entry<String, Histogram> e : report.latencies().entrySet()) {
                try (PrintStream out = new PrintStream(Files.newOutputStream(
                        o.histogramDir().resolve(e.getKey() + ".hlog")), false, StandardCharsets.UTF_8)) {
                    HistogramLogWriter w = new HistogramLogWriter(out);
                    w.outputComment("dynamo bench " + e.getKey() + " latency, microseconds");
                    w.outputLogFormatVersion();
                    w.outputLegend();
                    w.outputIntervalHistogram(e.getValue());
                }
                try (PrintStream out = new PrintStream(Files.newOutputStream(
                        o.histogramDir().resolve(e.getKey() + ".hgrm")), false, StandardCharsets.UTF_8)) {
                    e.getValue().outputPercentileDistribution(out, 1000.0);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write histograms to " + o.histogramDir() + ": " + e.getMessage(), e);
        }
    }
}
