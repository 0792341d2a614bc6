package dev.dynamo.bench.jmh;

import dev.dynamo.api.Occurred;
import dev.dynamo.api.VectorClock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Vector clock compare and merge at the sizes a context reaches: a few coordinators up to
 * the truncation limit (10 by default). Two clocks share most entries and differ in two,
 * so compare finds them concurrent after walking every entry (its worst case).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClockBench {
    @Param({"3", "10"})
    int entries;

    VectorClock a;
    VectorClock b;

    @Setup
    public void setUp() {
        VectorClock base = VectorClock.EMPTY;
        for (int i = 0; i < entries; i++) {
            base = base.increment("node-" + i, 1_700_000_000_000L + i);
        }
        a = base.increment("node-0", 1_700_000_001_000L);
        b = base.increment("node-" + (entries - 1), 1_700_000_002_000L);
    }

    @Benchmark
    public Occurred compare() {
        return a.compareTo(b);
    }

    @Benchmark
    public VectorClock merge() {
        return a.merge(b);
    }
}
