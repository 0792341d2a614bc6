package dev.dynamo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.testing.InJvmCluster;
import dev.dynamo.core.testing.KeepAllTestReconcilerProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadGeneratorTest {
    @TempDir
    Path dir;

    @Test
    void runsTheRequestedMixAndWritesHistograms() throws Exception {
        try (InJvmCluster cluster = InJvmCluster.start(3, 16, 1, dir,
                TableConfig.of("t", 3, 2, 2, "memory", KeepAllTestReconcilerProvider.NAME))) {
            BenchOptions o = new BenchOptions("t", 1, 0.5, 100, 50, true, Duration.ZERO, 400, 0,
                    dir.resolve("hist"), 7);
            BenchReport report = new LoadGenerator(cluster.client("n1")).run(o);
            assertEquals(400, report.operations());
            long gets = report.latencies().get("get").getTotalCount();
            assertTrue(gets > 120 && gets < 280, "about half are gets: " + gets);
            assertTrue(report.errors().isEmpty(), report.errors().toString());
            assertTrue(Files.size(dir.resolve("hist/get.hlog")) > 0);
            assertTrue(Files.readString(dir.resolve("hist/put.hgrm")).contains("Percentile"));
        }
    }

    @Test
    void zipfianConcentratesOnFewKeysUniformDoesNot() {
        SplittableRandom random = new SplittableRandom(3);
        KeyChooser zipf = KeyChooser.zipfian(10_000);
        KeyChooser uniform = KeyChooser.uniform(10_000);
        int[] zc = new int[10_000];
        int[] uc = new int[10_000];
        for (int i = 0; i < 100_000; i++) {
            zc[(int) zipf.next(random)]++;
            uc[(int) uniform.next(random)]++;
        }
        int zmax = java.util.Arrays.stream(zc).max().orElseThrow();
        int umax = java.util.Arrays.stream(uc).max().orElseThrow();
        assertTrue(zmax > 5_000, "the hottest zipfian key gets several percent: " + zmax);
        assertTrue(umax < 40, "no uniform key is hot: " + umax);
    }

    @Test
    void badOptionsAreRejectedWithTheField() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new BenchOptions("t", 1, 1.5, 100, 50, false, Duration.ofSeconds(1), 0, 0, null, 1));
        assertTrue(e.getMessage().contains("read fraction"));
    }
}
