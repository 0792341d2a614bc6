package dev.dynamo.bench;

import dev.dynamo.api.DynamoClient;
import dev.dynamo.client.DynamoClusterClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bin/dynamo bench}: the load generator against a running cluster.
 *
 * <pre>{@code
 * bin/dynamo bench --threads 16 --read 0.9 --value-size 1024 --keys 100000 --zipfian --duration 30s
 * bin/dynamo bench --tls-cert certs/bench.pem --tls-key certs/bench-key.pem --tls-ca certs/ca.pem --duration 30s
 * }</pre>
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Load generator: throughput (ops/s) and p50/p95/p99/p99.9/max latency (ms) per operation.",
                "Only successful operations count in ops/s and in the latencies; failed ones are listed by error"
                        + " code with their own latency, and a line starting 'WARNING:' gives their number and share."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:at least one operation succeeded; if some failed, the report says so in a WARNING line",
                "2:no operation succeeded (e.g. no cluster at --seed, an unknown --table), or bad options"})
public final class BenchCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(BenchCommand.class);


    @Spec
    CommandSpec spec;

    @Option(names = "--seed", split = ",", defaultValue = "127.0.0.1:7081",
            description = "Binary address(es) of any node, host:port (default ${DEFAULT-VALUE}).")
    List<String> seeds;

    @Option(names = "--http", split = ",", paramLabel = "HOST:PORT",
            description = "Go through the HTTP/JSON API of these nodes (round-robin) instead of the binary protocol.")
    List<String> http;

    @Option(names = "--table", defaultValue = "default", description = "Table (default ${DEFAULT-VALUE}).")
    String table;

    @Option(names = "--threads", defaultValue = "8", description = "Client threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--read", defaultValue = "0.5",
            description = "Share of gets in the mix, 0..1; the rest are puts (default ${DEFAULT-VALUE}).")
    double read;

    @Option(names = "--value-size", defaultValue = "1024", description = "Bytes per written value (default ${DEFAULT-VALUE}).")
    int valueSize;

    @Option(names = "--keys", defaultValue = "100000", description = "Number of distinct keys (default ${DEFAULT-VALUE}).")
    long keys;

    @Option(names = "--zipfian", description = "Zipfian key choice (theta 0.99) instead of uniform.")
    boolean zipfian;

    @Option(names = "--duration", defaultValue = "10s",
            description = "Run time, e.g. 30s, 2m (ignored with --ops; default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--ops", defaultValue = "0", description = "Total operations instead of a duration.")
    long ops;

    @Option(names = "--warmup", defaultValue = "0s",
            description = "Run this long first, unmeasured, on the same connections (the JIT compiles the request"
                    + " path, TLS included), e.g. 30s (default ${DEFAULT-VALUE}: none).")
    String warmup;

    @Option(names = "--rate", defaultValue = "0",
            description = "Target total ops/s (0: as fast as possible). Latency then counts from each op's intended start.")
    double rate;

    @Option(names = "--histograms", description = "Directory to write HdrHistogram logs (.hlog) and percentiles (.hgrm), microseconds,"
                    + " of successful operations.")
    Path histograms;

    @Option(names = "--random-seed", defaultValue = "1", description = "Seed of key and value choice.")
    long randomSeed;

    @Option(names = "--zone", paramLabel = "ZONE",
            description = "The zone the client runs in: the binary client sends to the key's replicas there first"
                    + " (docs/zones.md).")
    String zone;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Binary protocol with mutual TLS: this client's certificate (PEM, OU=client); with --tls-key"
                    + " and --tls-ca.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The private key of --tls-cert (PEM).")
    Path tlsKey;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "The cluster CA certificate (PEM).")
    Path tlsCa;

    @Override
    public Integer call() throws Exception {
        BenchOptions o = new BenchOptions(table, threads, read, valueSize, keys, zipfian, parseDuration(duration), ops,
                rate, histograms, randomSeed);
        try (DynamoClient client = http == null || http.isEmpty()
                ? binaryClient()
                : new HttpDynamoClient(http, Duration.ofSeconds(10))) {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("bench: table %s, %d threads, %.0f%% gets, %d-byte values, %d %s keys, %s%n", table,
                    threads, read * 100, valueSize, keys, zipfian ? "zipfian" : "uniform",
                    http == null || http.isEmpty() ? "binary protocol" : "HTTP API");
            Duration warm = parseDuration(warmup);
            if (!warm.isZero()) {
                BenchReport w = new LoadGenerator(client).run(new BenchOptions(table, threads, read, valueSize, keys,
                        zipfian, warm, 0, rate, null, randomSeed + 1));
                out.printf("warm-up: %.0f ops/s over %s, not counted%n", w.throughput(), warm);
                out.flush();
            }
            BenchReport report = new LoadGenerator(client).run(o);
            report.print(out);
            out.flush();
            return report.exitCode();
        }
    }

    private DynamoClient binaryClient() {
        DynamoClusterClient.Builder b = DynamoClusterClient.builder().seeds(seeds);
        if (zone != null) {
            b.zone(zone);
        }
        int given = (tlsCert != null ? 1 : 0) + (tlsKey != null ? 1 : 0) + (tlsCa != null ? 1 : 0);
        if (given > 0 && given < 3) {
            throw new IllegalArgumentException("--tls-cert, --tls-key and --tls-ca go together: give all three or none");
        }
        return given == 3 ? b.tls(tlsCert, tlsKey, tlsCa).build() : b.build();
    }

    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--duration '" + text + "': use a number with ms, s or m, e.g. 30s");
        }
    }

    /** Entry point used by {@code bin/dynamo bench}: returns the exit code. */
    public static int run(String[] args) {
        return run(args, null, null);
    }

    /** As {@link #run(String[])}, writing to {@code out} and {@code err} (the process's own streams when null). */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new BenchCommand());
        if (out != null) {
            cl.setOut(out);
        }
        if (err != null) {
            cl.setErr(err);
        }
        // bad option values (BenchOptions, --duration) and failed runs exit with the error code 2, as
        // usage errors do, rather than picocli's 1, which bin/dynamo uses for "not found"
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("error bad_request: " + e.getMessage());
            } else {
                cmd.getErr().println("error internal: " + e);
                LOG.error("bench failed", e);
            }
            cmd.getErr().flush();
            return BenchReport.EXIT_ALL_FAILED;
        });
        return cl.execute(args);
    }
}
