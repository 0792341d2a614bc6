package dev.dynamo.bench;

import dev.dynamo.api.Context;
import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.store.SiblingStore;
import dev.dynamo.core.time.Clock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Writes of a {@code durability=sync} table on one node, no network: threads writing
 * distinct keys through a {@link SiblingStore} that fsyncs before each write returns.
 * Shows what the fsync path costs and how well concurrent writers share fsyncs.
 *
 * <pre>
 * java -cp 'dynamo-bench/target/dynamo-bench-*.jar:dynamo-bench/target/lib/*' dev.dynamo.bench.SyncWriteBench \
 *     mvstore 8 10
 * </pre>
 * Arguments: engine (default mvstore), threads (8), seconds (10).
 */
public final class SyncWriteBench {
    private SyncWriteBench() {
    }

    public static void main(String[] args) throws Exception {
        String engineName = args.length > 0 ? args[0] : "mvstore";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Path dir = Files.createTempDirectory("dynamo-sync-bench-");
        try (StorageEngine engine = Plugins.engine(engineName).open(new EngineContext("bench", dir, Map.of(),
                Clock.system()))) {
            SiblingStore store = new SiblingStore("bench", engine, 10, true);
            byte[] value = new byte[1024];
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong ops = new AtomicLong();
            ConcurrentHistogram latency = new ConcurrentHistogram(3);
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                workers[t] = new Thread(() -> {
                    for (long i = 0; running.get(); i++) {
                        byte[] key = ("t" + id + "-" + (i % 10_000)).getBytes(StandardCharsets.UTF_8);
                        long start = System.nanoTime();
                        store.coordinate((int) (i % 64), key, Context.EMPTY, value, false, "n1",
                                System.currentTimeMillis());
                        latency.recordValue((System.nanoTime() - start) / 1000);
                        ops.incrementAndGet();
                    }
                });
                workers[t].start();
            }
            Thread.sleep(seconds * 1000L);
            running.set(false);
            for (Thread w : workers) {
                w.join();
            }
            System.out.printf("engine %s, %d threads, %d s: %.0f sync writes/s, p50 %.2f ms, p99 %.2f ms,"
                            + " p99.9 %.2f ms%n", engineName, threads, seconds, ops.get() / (double) seconds,
                    latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                    latency.getValueAtPercentile(99.9) / 1000.0);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
