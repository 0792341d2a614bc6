package dev.dynamo.bench.jmh;

import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.time.Clock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Each engine driven directly (no sibling store, no network): put and get of random keys
 * among 100,000 preloaded ones, with 100-byte and 4-KiB values. Engines run with their
 * default settings (buffered writes: no fsync per put).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EngineBench {
    static final int KEYS = 100_000;

    @Param({"memory", "mvstore", "bdb", "rocksdb"})
    String engine;

    @Param({"100", "4096"})
    int valueSize;

    Path dir;
    StorageEngine store;
    byte[] value;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("dynamo-jmh-" + engine + "-");
        store = Plugins.engine(engine).open(new EngineContext("bench", dir, Map.of(), Clock.system()));
        value = new byte[valueSize];
        ThreadLocalRandom.current().nextBytes(value);
        for (int i = 0; i < KEYS; i++) {
            store.put(key(i), value);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static byte[] key(int i) {
        return ByteBuffer.allocate(8).putInt(0x6b657900).putInt(i).array();
    }

    @Benchmark
    public void put() {
        store.put(key(ThreadLocalRandom.current().nextInt(KEYS)), value);
    }

    @Benchmark
    public byte[] get() {
        return store.get(key(ThreadLocalRandom.current().nextInt(KEYS)));
    }
}
