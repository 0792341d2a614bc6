package dev.dynamo.http;

import static dev.dynamo.http.HttpApiServerTest.assertError;
import static dev.dynamo.http.HttpApiServerTest.body;
import static dev.dynamo.http.HttpApiServerTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.table.TableConfig;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What an operator sees and starts over HTTP: pending hints, anti-entropy repair. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HttpAdminTest {

    @TempDir
    Path dir;

    @Test
    void hintsForADownNodeShowInClusterAndMetricsAndDrainWhenItReturns() throws InterruptedException {
        try (HttpTestServer c = HttpTestServer.start(4, dir, TableConfig.of("t", 3, 2, 3, "memory", "lww"))) {
            // a key n1 does not replicate: with four nodes, n1 is the one substitute for a down replica
            String key = keyNotReplicatedBy(c, "n1");
            Ring ring = c.cluster().node("n1").cluster().ring();
            Table t = c.cluster().node("n1").table("t");
            String down = ring.preferenceList(ring.partitionOf(bytes(key), t.partitioner()), 3).get(0);
            c.cluster().network().crash(down);

            assertEquals(204, c.put("/tables/t/keys/" + key, "v").statusCode(), "w=3 met through the sloppy quorum");
            JsonNode cluster = json(c.get("/cluster"));
            assertEquals(1, cluster.path("hints_pending").path(down).asInt(), cluster::toString);
            assertTrue(body(c.get("/metrics")).lines().anyMatch(l -> l.startsWith("dynamo_hints_pending{")
                    && l.contains("target=\"" + down + "\"") && l.endsWith(" 1.0")));

            c.cluster().network().restart(down);
            waitFor(() -> json(c.get("/cluster")).path("hints_pending").isEmpty(), 30_000);
            GetResult onOwner = c.cluster().node(down).get("t", bytes(key), new RequestOptions(1, null, null)).join();
            assertEquals("v", new String(onOwner.value(), StandardCharsets.UTF_8), "the hint reached its owner");
            assertTrue(body(c.get("/metrics")).lines().anyMatch(l -> l.startsWith("dynamo_hints_pending{")
                    && l.contains("target=\"" + down + "\"") && l.endsWith(" 0.0")));
        }
    }

    @Test
    void repairCopiesWhatAReplicaMissedAndReportsProgress() throws InterruptedException {
        try (HttpTestServer c = HttpTestServer.start(3, dir, TableConfig.of("t", 3, 2, 2, "memory", "lww"))) {
            c.cluster().network().crash("n3");
            List<String> keys = List.of("a", "b", "c", "d", "e");
            for (String k : keys) {
                assertEquals(204, c.put("/tables/t/keys/" + k, "v-" + k).statusCode());
            }
            for (JsonNode n : json(c.get("/cluster")).path("nodes")) {
                assertEquals(n.path("id").asText().equals("n3") ? "suspected" : "up", n.path("status").asText(),
                        "n1 coordinated writes that n3 failed");
            }
            c.cluster().network().restart("n3");

            HttpResponse<byte[]> start = c.send("POST", "/repair?table=t", null);
            assertTrue(start.statusCode() == 202 || start.statusCode() == 200, () -> body(start));
            waitFor(() -> !json(c.get("/repair")).path("running").asBoolean(), 30_000);
            JsonNode done = json(c.get("/repair"));
            assertTrue(done.path("keys_repaired").asLong() >= keys.size(), done::toString);
            assertEquals(done.path("partitions_total").asInt(), done.path("partitions_done").asInt(), done::toString);
            assertTrue(done.path("bytes_exchanged").asLong() > 0, done::toString);
            for (String k : keys) {
                GetResult r = c.cluster().node("n3").get("t", bytes(k), new RequestOptions(1, null, null)).join();
                assertEquals("v-" + k, new String(r.value(), StandardCharsets.UTF_8), "n3 got " + k + " by repair");
            }
            assertFalse(json(c.get("/cluster")).path("anti_entropy").path("running").asBoolean());
        }
    }

    @Test
    void repairRejectsUnknownTablesParametersAndMethods() {
        try (HttpTestServer c = HttpTestServer.start(1, dir, TableConfig.of("t", 1, 1, 1, "memory", "lww"))) {
            assertError(c.send("POST", "/repair?table=nope", null), 404, "unknown_table");
            assertError(c.send("POST", "/repair?tabel=t", null), 400, "bad_request");
            assertError(c.send("PUT", "/repair", new byte[0]), 405, "method_not_allowed");
        }
    }

    private static String keyNotReplicatedBy(HttpTestServer c, String node) {
        Ring ring = c.cluster().node(node).cluster().ring();
        Table t = c.cluster().node(node).table("t");
        for (int i = 0; i < 10_000; i++) {
            String key = "k" + i;
            if (!ring.preferenceList(ring.partitionOf(bytes(key), t.partitioner()), 3).contains(node)) {
                return key;
            }
        }
        throw new AssertionError("every key is replicated by " + node);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Polls a real-time condition; the class timeout bounds the test, this bounds the loop. */
    private static void waitFor(BooleanSupplier condition, long maxMillis) throws InterruptedException {
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + maxMillis + " ms");
            }
            Thread.sleep(50);
        }
    }
}
