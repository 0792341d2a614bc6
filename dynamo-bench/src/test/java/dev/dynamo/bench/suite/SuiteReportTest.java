package dev.dynamo.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteReportTest {
    @TempDir
    Path dir;

    /** What site.ycsb.Client 0.17.0 prints with measurementtype=hdrhistogram, trimmed. */
    static List<String> ycsbOutput(double throughput, long readP999, long updateP999) {
        return List.of(
                "[OVERALL], RunTime(ms), 10000",
                "[OVERALL], Throughput(ops/sec), " + throughput,
                "[TOTAL_GCS_G1_Young_Generation], Count, 3",
                "[READ], Operations, 600",
                "[READ], AverageLatency(us), 812.5",
                "[READ], 50thPercentileLatency(us), 700",
                "[READ], 99thPercentileLatency(us), 2100",
                "[READ], 99.9PercentileLatency(us), " + readP999,
                "[READ], Return=OK, 598",
                "[READ], Return=NOT_FOUND, 2",
                "[CLEANUP], Operations, 4",
                "[CLEANUP], 99.9PercentileLatency(us), 99999",
                "[UPDATE], Operations, 400",
                "[UPDATE], 50thPercentileLatency(us), 1500",
                "[UPDATE], 99thPercentileLatency(us), 4000",
                "[UPDATE], 99.9PercentileLatency(us), " + updateP999,
                "[UPDATE], Return=OK, 399",
                "[UPDATE-FAILED], Operations, 1",
                "[UPDATE-FAILED], 99.9PercentileLatency(us), 123456",
                "[UPDATE], Return=SERVICE_UNAVAILABLE, 1");
    }

    @Test
    void parsesThroughputPercentilesAndStatusesPerOperation() {
        YcsbResult r = YcsbResult.parse(ycsbOutput(1234.5, 5000, 9000));
        assertEquals(1234.5, r.throughput());
        assertEquals(List.of("READ", "UPDATE"), List.copyOf(r.ops().keySet()));
        YcsbResult.Op read = r.ops().get("READ");
        assertEquals(600, read.count());
        assertEquals(700, read.percentileMicros(50));
        assertEquals(5000, read.percentileMicros(99.9));
        assertEquals(2, read.failed());
        YcsbResult.Op update = r.ops().get("UPDATE");
        assertEquals(401, update.count(), "the FAILED measurement's operations count with their op");
        assertEquals(9000, update.percentileMicros(99.9), "failed latencies do not replace the op's percentiles");
        assertEquals(1, update.failed());
    }

    @Test
    void intendedLatencyMeasurementsOfThrottledRunsAreTheirOwnOps() {
        YcsbResult r = YcsbResult.parse(List.of("[OVERALL], Throughput(ops/sec), 500.0",
                "[Intended-READ], Operations, 100", "[Intended-READ], 99.9PercentileLatency(us), 4200",
                "[Intended-READ], Return=OK, 100"));
        assertEquals(4200, r.ops().get("Intended-READ").percentileMicros(99.9));
    }

    @Test
    void reportHasTheRunsIdentityOneRowPerOpAndTheRatios() throws Exception {
        Files.writeString(dir.resolve("meta.properties"), "date=2026-11-29 20:00 UTC\ncommit=abc1234\ncpu=Test CPU\n"
                + "cores=2\nram=8 GiB\njdk=openjdk 17\nrecords=1000\nduration=10\nwarmup=2\nthreads=16\n");
        Files.write(dir.resolve("ours.txt"), ycsbOutput(2000, 4000, 8000));
        Files.write(dir.resolve("cass.txt"), ycsbOutput(1000, 8000, 16000));
        Files.write(dir.resolve("n1.txt"), ycsbOutput(3000, 1000, 2000));
        Files.write(dir.resolve("echo.txt"), ycsbOutput(4000, 500, 500));
        Files.writeString(dir.resolve("manifest.tsv"), String.join("\n",
                "ours3\tours N=3 R=2 W=2 memory\tmemory\ta\t16\tours.txt",
                "ours1\tours N=1 memory\tmemory\ta\t16\tn1.txt",
                "echo\tNetty echo\t-\ta\t16\techo.txt",
                "cassandra\tCassandra\t-\ta\t16\tcass.txt",
                "ours3\tours N=3 R=2 W=2 rocksdb\trocksdb\ta\t16\tmissing.txt") + "\n");
        Files.writeString(dir.resolve("notes.txt"), "ours N=3 R=2 W=2 rocksdb: 7 of 1000 records failed to load\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SuiteReport.load(dir).print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String report = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("date: 2026-11-29 20:00 UTC, commit: abc1234"), report);
        assertTrue(report.contains("- note: ours N=3 R=2 W=2 rocksdb: 7 of 1000 records failed to load"), report);
        assertTrue(report.contains("machine: Test CPU, 2 cores, 8 GiB RAM, openjdk 17"), report);
        assertTrue(report.contains("| ours N=3 R=2 W=2 memory | a | 16 | 2,000 | READ | 600 | 0.70 | 2.10 | 4.00 | NOT_FOUND 2 |"),
                report);
        assertTrue(report.contains("|  |  |  |  | UPDATE | 401 | 1.50 | 4.00 | 8.00 | SERVICE_UNAVAILABLE 1 |"), report);
        assertTrue(report.contains("| ours N=3 R=2 W=2 rocksdb | a | 16 | (no result) |"), report);
        assertTrue(report.contains("| ours N=3 R=2 W=2 memory ÷ Cassandra | a | 2.00 | READ 0.50, UPDATE 0.50 |"), report);
        assertTrue(report.contains("| ours N=1 memory ÷ Netty echo | a | 0.75 | READ 2.00, UPDATE 4.00 |"), report);
    }
}
