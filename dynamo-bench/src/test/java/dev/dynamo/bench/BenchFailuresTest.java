package dev.dynamo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoClient;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.core.node.NodeOptions;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.testing.TestCluster;
import dev.dynamo.testing.TimeKind;
import dev.dynamo.testing.TransportKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failed operations are not throughput: they are counted by error code, warned about, and decide the exit code. */
class BenchFailuresTest {
    @TempDir
    Path dir;

    /** Fails every {@code failEvery}-th call (all calls when 1) with insufficient_replicas, after a little work. */
    private static final class FailingClient implements DynamoClient {
        private final long failEvery;
        private final AtomicLong calls = new AtomicLong();

        FailingClient(long failEvery) {
            this.failEvery = failEvery;
        }

        private <T> CompletableFuture<T> answer(T value) {
            if (calls.incrementAndGet() % failEvery == 0) {
                return CompletableFuture.failedFuture(InsufficientReplicasException.of("get", 2, 0));
            }
            return CompletableFuture.completedFuture(value);
        }

        @Override
        public CompletableFuture<GetResult> getAsync(String table, byte[] key, RequestOptions options) {
            return answer(GetResult.notFound(Context.EMPTY));
        }

        @Override
        public CompletableFuture<Context> putAsync(String table, byte[] key, Context context, byte[] value,
                                                   RequestOptions options) {
            return answer(Context.EMPTY);
        }

        @Override
        public CompletableFuture<Context> deleteAsync(String table, byte[] key, Context context,
                                                      RequestOptions options) {
            return answer(Context.EMPTY);
        }

        @Override
        public void close() {
        }
    }

    private static BenchOptions ops(String table, long operations) {
        return new BenchOptions(table, 2, 0.5, 16, 100, false, Duration.ZERO, operations, 0, null, 3);
    }

    private static String printed(BenchReport report) {
        StringWriter s = new StringWriter();
        report.print(new PrintWriter(s, true));
        return s.toString();
    }

    @Test
    void whenEveryRequestFailsThereIsNoThroughputAWarningAndTheErrorExitCode() throws Exception {
        BenchReport report = new LoadGenerator(new FailingClient(1)).run(ops("t", 300));

        assertEquals(0, report.operations());
        assertEquals(0.0, report.throughput());
        assertTrue(report.latencies().isEmpty(), "no success histogram: " + report.latencies().keySet());
        assertEquals(java.util.Map.of("insufficient_replicas", 300L), report.errors());
        assertEquals(300, report.failureLatency().getTotalCount());
        assertEquals(2, report.exitCode());
        String text = printed(report);
        assertTrue(text.contains("total             0          0 ops/s (successful)"), text);
        assertTrue(text.contains("errors: {insufficient_replicas=300}"), text);
        assertTrue(text.contains("WARNING: 300 of 300 operations (100.0%) failed; none succeeded"), text);
        assertTrue(text.contains("latencies in ms"), text);
    }

    @Test
    void withSomeFailuresOnlyTheSuccessesAreThroughputAndInTheHistograms() throws Exception {
        BenchReport report = new LoadGenerator(new FailingClient(4)).run(ops("t", 400));

        assertEquals(300, report.operations());
        long inHistograms = report.latencies().values().stream().mapToLong(Histogram::getTotalCount).sum();
        assertEquals(300, inHistograms);
        assertEquals(100L, report.errors().get("insufficient_replicas"));
        assertEquals(100, report.failures());
        assertEquals(100, report.failureLatency().getTotalCount());
        assertEquals(300 / report.seconds(), report.throughput(), 1e-6);
        assertEquals(0, report.exitCode(), "some succeeded: exit 0, with a warning");
        String text = printed(report);
        assertTrue(text.contains("WARNING: 100 of 400 operations (25.0%) failed; ops/s and latencies above count"
                + " successful operations only"), text);
        assertTrue(text.contains("failed          100 operations, latency ms"), text);
    }

    @Test
    void noFailuresNoWarning() throws Exception {
        BenchReport report = new LoadGenerator(new FailingClient(Long.MAX_VALUE)).run(ops("t", 50));
        assertEquals(50, report.operations());
        assertEquals(0, report.exitCode());
        String text = printed(report);
        assertFalse(text.contains("WARNING"), text);
        assertFalse(text.contains("errors:"), text);
    }

    @Test
    void anUnknownTableOfARealClusterFailsTheCommand() {
        try (TestCluster cluster = TestCluster.builder().nodes(3).partitions(16).transport(TransportKind.NETTY)
                .time(TimeKind.REAL).dataDir(dir).nodeOptions(NodeOptions.DEFAULTS.withSystemEngine("memory"))
                .table(TableConfig.of("t", 3, 2, 2, "memory", KeepAllTestReconcilerProvider.NAME)).build()) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = BenchCommand.run(new String[] {"--seed", String.join(",", cluster.binaryAddresses()),
                    "--table", "nope", "--ops", "40", "--threads", "2"},
                    new PrintWriter(out, true), new PrintWriter(err, true));

            assertEquals(2, exit, out + "\n" + err);
            String text = out.toString();
            assertTrue(text.contains("total             0          0 ops/s (successful)"), text);
            assertTrue(text.contains("errors: {unknown_table=40}"), text);
            assertTrue(text.contains("WARNING: 40 of 40 operations (100.0%) failed"), text);
        }
    }

    @Test
    void badOptionValuesExitWithTheErrorCode() {
        StringWriter err = new StringWriter();
        int exit = BenchCommand.run(new String[] {"--threads", "0", "--ops", "1"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));
        assertEquals(2, exit);
        assertTrue(err.toString().contains("threads must be 1..4096"), err.toString());
    }

    @Test
    void helpStatesUnitsAndExitCodes() {
        StringWriter out = new StringWriter();
        int exit = BenchCommand.run(new String[] {"--help"}, new PrintWriter(out, true), new PrintWriter(new StringWriter()));
        assertEquals(0, exit);
        String text = out.toString();
        assertTrue(text.contains("Only successful operations count"), text);
        assertTrue(text.contains("Exit codes:"), text);
        assertTrue(text.contains("no operation succeeded"), text);
    }
}
