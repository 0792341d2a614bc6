package dev.dynamo.bench.jmh;

import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import dev.dynamo.core.spi.Partitioner;
import dev.dynamo.core.spi.Plugins;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
 * What every request pays to find its replicas: hash the key to a partition, then the
 * preference list of N = 3 distinct nodes, on a ring of Q = 1024 partitions and 10 nodes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RingBench {
    @Param({"md5", "murmur3"})
    String partitioner;

    Ring ring;
    Partitioner hash;
    byte[][] keys;
    int next;

    @Setup
    public void setUp() {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            nodes.add(NodeInfo.of("n" + i));
        }
        ring = new RingPlanner(3).initial(1024, nodes);
        hash = Plugins.partitioner(partitioner);
        keys = new byte[1024][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ("user:" + i * 7919).getBytes(StandardCharsets.UTF_8);
        }
    }

    @Benchmark
    public int partitionOf() {
        return ring.partitionOf(keys[next++ & 1023], hash);
    }

    @Benchmark
    public List<String> lookup() {
        return ring.preferenceList(ring.partitionOf(keys[next++ & 1023], hash), 3);
    }
}
