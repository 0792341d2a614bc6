package dev.dynamo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoException;
import dev.dynamo.api.GetResult;
import dev.dynamo.client.DynamoClusterClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * durability=sync: {@code kill -9} a node under write load, then kill the other two as
 * well, restart everything, and read back every acknowledged write.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SyncDurabilityTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
        try (ProcessCluster c = new ProcessCluster(dir, 3, Map.of("durable",
                "n = 3\nr = 2\nw = 2\nengine = mvstore\nreconciler = lww\ndurability = sync"))) {
            c.startAll();
            Map<String, String> acknowledged = new ConcurrentHashMap<>();
            AtomicLong failures = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService writers = Executors.newFixedThreadPool(4);
            List<Future<?>> running = new ArrayList<>();
            try (DynamoClusterClient client = DynamoClusterClient.builder()
                    .seeds(c.node(1).binary(), c.node(3).binary()).requestTimeout(Duration.ofSeconds(5)).build()) {
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    running.add(writers.submit(() -> {
                        for (int i = 0; i < 100_000 && !stop.get(); i++) {
                            String key = "t" + thread + "-" + i;
                            String value = "value-" + key;
                            try {
                                client.put("durable", bytes(key), Context.EMPTY, bytes(value));
                                acknowledged.put(key, value);
                            } catch (DynamoException e) {
                                failures.incrementAndGet(); // not acknowledged: no promise
                            }
                        }
                    }));
                }
                ProcessCluster.sleep(2_500);
                c.kill9(2);
                int atKill = acknowledged.size();
                ProcessCluster.sleep(2_500);
                stop.set(true);
                for (Future<?> f : running) {
                    f.get(60, TimeUnit.SECONDS);
                }
                assertTrue(acknowledged.size() > atKill, "writes went on after the kill");
            } finally {
                writers.shutdownNow();
            }
            c.kill9(1);
            c.kill9(3);
            for (int i = 1; i <= 3; i++) {
                c.start(i);
            }
            for (int i = 1; i <= 3; i++) {
                c.awaitHealthy(i);
            }
            System.out.printf("sync durability: %d writes acknowledged, %d failed, all nodes killed -9%n",
                    acknowledged.size(), failures.get());
            try (DynamoClusterClient client = DynamoClusterClient.builder().seeds(c.node(1).binary())
                    .requestTimeout(Duration.ofSeconds(10)).build()) {
                List<String> lost = new ArrayList<>();
                for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                    GetResult r = client.get("durable", bytes(e.getKey()));
                    if (!r.isFound() || !e.getValue().equals(new String(r.value(), StandardCharsets.UTF_8))) {
                        lost.add(e.getKey());
                    }
                }
                assertEquals(List.of(), lost, "acknowledged writes lost after kill -9");
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
