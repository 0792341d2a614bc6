package dev.dynamo.it;

import static dev.dynamo.it.ProcessCluster.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynamo.api.Context;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.client.DynamoClusterClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node JVMs, N=3, R=2, W=2: one {@code kill -9} is survived, two make writes and
 * quorum reads fail with insufficient_replicas, and after both restart the keys written
 * while they were down are read back from them.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class ClusterFailoverTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void survivesOneKillFailsTypedWithTwoAndRepairsAfterRestart() throws Exception {
        try (ProcessCluster c = new ProcessCluster(dir, 3, Map.of("default",
                "n = 3\nr = 2\nw = 2\nengine = mvstore\nreconciler = lww"))) {
            c.startAll();
            assertEquals(204, c.put(1, "default", "k0", "v0").statusCode());
            HttpResponse<byte[]> r = c.get(3, "default", "k0");
            assertEquals(200, r.statusCode());
            assertEquals("v0", body(r));

            c.kill9(3);
            assertEquals(204, c.put(1, "default", "k1", "written-while-n3-down").statusCode());
            assertEquals("v0", body(c.get(2, "default", "k0")));

            c.kill9(2);
            HttpResponse<byte[]> failedPut = c.put(1, "default", "k2", "x");
            assertEquals(503, failedPut.statusCode(), body(failedPut));
            JsonNode error = JSON.readTree(failedPut.body());
            assertEquals("insufficient_replicas", error.get("error").asText());
            assertEquals(2, error.get("required").asInt());
            assertEquals(1, error.get("acknowledged").asInt());
            HttpResponse<byte[]> failedGet = c.get(1, "default", "k0");
            assertEquals(503, failedGet.statusCode(), body(failedGet));
            assertEquals("insufficient_replicas", JSON.readTree(failedGet.body()).get("error").asText());
            try (DynamoClusterClient client = DynamoClusterClient.builder().seeds(c.node(1).binary())
                    .requestTimeout(Duration.ofSeconds(10)).build()) {
                InsufficientReplicasException e = assertThrows(InsufficientReplicasException.class,
                        () -> client.put("default", "k3".getBytes(StandardCharsets.UTF_8), Context.EMPTY,
                                "y".getBytes(StandardCharsets.UTF_8)));
                assertEquals(2, e.required());
            }

            c.start(2);
            c.start(3);
            c.awaitHealthy(2);
            c.awaitHealthy(3);
            // a quorum read through every node repairs the replicas that missed k1
            for (int i = 1; i <= 3; i++) {
                HttpResponse<byte[]> k1 = c.get(i, "default", "k1");
                assertEquals(200, k1.statusCode(), "k1 through n" + i + ": " + body(k1));
                assertEquals("written-while-n3-down", body(k1));
            }
            ProcessCluster.sleep(1_000); // read repair is sent in the background
            // n3 now holds k1 itself: with the other two dead, it answers an r=1 read alone
            c.kill9(1);
            c.kill9(2);
            HttpResponse<byte[]> alone = c.get(3, "default", "k1", "r=1");
            assertEquals(200, alone.statusCode(), body(alone));
            assertEquals("written-while-n3-down", body(alone));
        }
    }

    @Test
    void concurrentWritersWithOneContextMakeSiblingsOrAMergedCart() throws Exception {
        try (ProcessCluster c = new ProcessCluster(dir, 3, Map.of(
                "sib", "n = 3\nr = 2\nw = 2\nreconciler = siblings",
                "cart", "n = 3\nr = 2\nw = 2\nreconciler = cart-union"))) {
            c.startAll();
            assertEquals(204, c.put(1, "sib", "k", "base").statusCode());
            String ctx = c.get(1, "sib", "k").headers().firstValue("X-Dynamo-Context").orElseThrow();
            assertEquals(204, c.put(1, "sib", "k", "from-client-a", ctx).statusCode());
            assertEquals(204, c.put(2, "sib", "k", "from-client-b", ctx).statusCode());
            HttpResponse<byte[]> r = c.get(3, "sib", "k");
            assertEquals(300, r.statusCode(), body(r));
            JsonNode siblings = JSON.readTree(r.body()).get("siblings");
            assertEquals(2, siblings.size());
            java.util.Set<String> values = new java.util.HashSet<>();
            siblings.forEach(s -> values.add(new String(java.util.Base64.getDecoder().decode(s.get("value").asText()),
                    StandardCharsets.UTF_8)));
            assertEquals(java.util.Set.of("from-client-a", "from-client-b"), values);

            assertEquals(204, c.put(1, "cart", "c", "{\"items\":{\"apple\":1}}").statusCode());
            String cartCtx = c.get(1, "cart", "c").headers().firstValue("X-Dynamo-Context").orElseThrow();
            assertEquals(204, c.put(1, "cart", "c", "{\"items\":{\"apple\":1,\"pear\":1}}", cartCtx).statusCode());
            assertEquals(204, c.put(2, "cart", "c", "{\"items\":{\"apple\":3}}", cartCtx).statusCode());
            HttpResponse<byte[]> cart = c.get(3, "cart", "c");
            assertEquals(200, cart.statusCode(), body(cart));
            JsonNode items = JSON.readTree(cart.body()).get("items");
            assertEquals(3, items.get("apple").asInt());
            assertEquals(1, items.get("pear").asInt());
            assertEquals(2, items.size());
        }
    }
}
