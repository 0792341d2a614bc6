package dev.dynamo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoTimeoutException;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.client.DynamoClusterClient;
import dev.dynamo.server.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running three-node cluster (node JVMs on loopback) grows to four with
 * {@code bin/dynamo join} while clients write and read through the partition-aware
 * client: no acknowledged write is lost, only documented errors reach the clients, and
 * the client routes to the new node without a restart. Prints throughput before, during
 * and after the move.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JoinUnderLoadTest {
    private static final int THREADS = 4;

    @TempDir
    Path dir;

    @Test
    void growsFromThreeToFourUnderLoadWithoutLosingAcknowledgedWrites() throws Exception {
        try (ProcessCluster c = new ProcessCluster(dir, 3, Map.of("default",
                "n = 3\nr = 2\nw = 2\nengine = mvstore\nreconciler = lww"),
                "membership.gossip-interval-ms = 200\nmembership.cleanup-delay-ms = 2000\n")) {
            c.startAll();
            int joiner = c.addJoiner();
            c.start(joiner);
            c.awaitHealthy(joiner);

            Map<String, String> acknowledged = new ConcurrentHashMap<>();
            Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<Throwable> undocumented = new ConcurrentLinkedQueue<>();
            AtomicLong ops = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> workers = new ArrayList<>();
            try (DynamoClusterClient client = DynamoClusterClient.builder().seeds(c.node(1).binary())
                    .requestTimeout(Duration.ofSeconds(5)).ringRefreshInterval(Duration.ofMillis(500)).build()) {
                for (int t = 0; t < THREADS; t++) {
                    int id = t;
                    Thread w = new Thread(() -> {
                        long i = 0;
                        while (running.get() && i < 1_000_000) { // bounded: the flag stops it long before
                            String key = "t" + id + "-" + (i % 2_000);
                            String value = "v" + i;
                            byte[] kb = key.getBytes(StandardCharsets.UTF_8);
                            try {
                                if (i % 2 == 0) {
                                    client.put("default", kb, Context.EMPTY, value.getBytes(StandardCharsets.UTF_8));
                                    acknowledged.put(key, value); // one writer per key: the last ack is the value
                                } else {
                                    client.get("default", kb);
                                }
                                ops.incrementAndGet();
                            } catch (InsufficientReplicasException | DynamoTimeoutException e) {
                                errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong())
                                        .incrementAndGet();
                                if (i % 2 == 0) {
                                    acknowledged.remove(key); // maybe applied, maybe not: no longer known
                                }
                            } catch (RuntimeException e) {
                                undocumented.add(e);
                            }
                            i++;
                        }
                    }, "load-" + t);
                    w.start();
                    workers.add(w);
                }

                long before = rate(ops, 5_000);
                long t0 = System.nanoTime();
                long opsAtJoin = ops.get();
                StringWriter out = new StringWriter();
                int code = Main.run(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                        new PrintWriter(out, true), "join", "--http", c.node(joiner).http(), "--poll-ms", "250",
                        "--max-wait-s", "120");
                double joinSeconds = (System.nanoTime() - t0) / 1e9;
                long during = Math.round((ops.get() - opsAtJoin) / joinSeconds);
                assertEquals(0, code, out.toString());
                long after = rate(ops, 5_000);
                running.set(false);
                for (Thread w : workers) {
                    w.join(30_000);
                }
                System.out.printf("join under load: %.1f s; ops/s before %d, during %d, after %d; errors %s%n",
                        joinSeconds, before, during, after, errors);
                assertTrue(undocumented.isEmpty(), () -> "undocumented errors: " + undocumented);

                // every write still known as acknowledged reads back with its last value
                for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                    GetResult r = client.get("default", e.getKey().getBytes(StandardCharsets.UTF_8));
                    assertTrue(r.isFound(), e.getKey() + " lost");
                    assertEquals(e.getValue(), new String(r.value(), StandardCharsets.UTF_8), e.getKey());
                }
                assertTrue(during > 0, "clients made progress while partitions moved");
                assertTrue(acknowledged.size() >= 20, "writes checked: " + acknowledged.size());
            }
            String status = c.request(1, "GET", "/cluster", null, null).body() == null ? ""
                    : new String(c.request(1, "GET", "/cluster", null, null).body(), StandardCharsets.UTF_8);
            assertTrue(status.contains("\"id\":\"n" + joiner + "\""), status);
        }
    }

    /** Operations per second over the next {@code millis}. */
    private static long rate(AtomicLong ops, long millis) throws InterruptedException {
        long start = ops.get();
        Thread.sleep(millis);
        return (ops.get() - start) * 1000 / millis;
    }
}
