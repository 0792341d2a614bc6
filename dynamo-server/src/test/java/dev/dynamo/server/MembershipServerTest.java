package dev.dynamo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.client.DynamoClusterClient;
import dev.dynamo.server.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership through real servers on loopback: a node configured with seeds only joins a
 * running three-node cluster with {@code bin/dynamo join}, receives its partitions with
 * the data in them, and after a restart routes with the ring it joined (saved in its data
 * directory), not the configuration's.
 */
@Timeout(180)
class MembershipServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TABLE = "n = 3\nr = 2\nw = 2\nengine = memory\n";

    @TempDir
    Path home;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aSeededNodeJoinsGetsItsShareAndKeepsTheRingAcrossARestart() throws Exception {
        int[] bin = new int[4];
        int[] web = new int[4];
        for (int i = 0; i < 4; i++) {
            bin[i] = freePort();
            web[i] = freePort();
        }
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            members.append(i == 0 ? "" : ", ").append("n").append(i + 1).append("@127.0.0.1:").append(bin[i])
                    .append(':').append(web[i]);
        }
        String fast = "membership.gossip-interval-ms = 100\nmembership.cleanup-delay-ms = 500\nq = 32\n";
        List<DynamoServer> servers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                servers.add(DynamoServer.start(conf("n" + (i + 1), "cluster.nodes = " + members + "\n" + fast)));
            }
            Path joinerConf = conf("n4", "host = 127.0.0.1\nbinary.port = " + bin[3] + "\nhttp.port = " + web[3]
                    + "\nseeds = 127.0.0.1:" + bin[0] + "\n" + fast);
            servers.add(DynamoServer.start(joinerConf));
            assertEquals(0, servers.get(3).node().cluster().ring().version(), "outside the ring until it joins");

            List<String> keys = new ArrayList<>();
            try (DynamoClusterClient client = DynamoClusterClient.builder().seeds("127.0.0.1:" + bin[0]).build()) {
                for (int i = 0; i < 200; i++) {
                    String k = "key-" + i;
                    client.put("default", k.getBytes(StandardCharsets.UTF_8), dev.dynamo.api.Context.EMPTY,
                            ("v-" + i).getBytes(StandardCharsets.UTF_8));
                    keys.add(k);
                }
            }

            StringWriter out = new StringWriter();
            int code = Main.run(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                    new PrintWriter(out, true), "join", "--http", "127.0.0.1:" + web[3], "--poll-ms", "200",
                    "--max-wait-s", "120");
            assertEquals(0, code, out.toString());
            assertTrue(out.toString().contains("done: ring version"), out.toString());

            JsonNode cluster = json(web[0], "/cluster");
            waitFor(() -> json(web[0], "/cluster").path("ring_version").asLong()
                    == json(web[3], "/cluster").path("ring_version").asLong(), 30_000);
            int owned = 0;
            for (JsonNode n : json(web[3], "/cluster").path("nodes")) {
                assertEquals("normal", n.path("membership").asText(), n.toString());
                if (n.path("id").asText().equals("n4")) {
                    owned = n.path("partitions").asInt();
                }
            }
            assertTrue(owned >= 32 / 4 - 3 && owned <= 32 / 4 + 3, "n4 owns about Q/S partitions: " + owned);
            assertTrue(json(web[0], "/metrics") != null);

            // every key is readable, and n4 holds every key it now replicates
            var n4 = servers.get(3).node();
            var ring = n4.cluster().ring();
            var table = n4.table("default");
            int onN4 = 0;
            for (String k : keys) {
                byte[] kb = k.getBytes(StandardCharsets.UTF_8);
                List<String> pref = ring.preferenceList(ring.partitionOf(kb, table.partitioner()), 3);
                if (pref.contains("n4")) {
                    GetResult local = n4.get("default", kb, new RequestOptions(1, null, null)).join();
                    assertTrue(local.isFound(), k + " was moved to n4");
                    onN4++;
                }
            }
            assertTrue(onN4 > 0, "n4 replicates some keys");
            long version = ring.version();

            servers.remove(3).close();
            try (DynamoServer again = DynamoServer.start(joinerConf)) {
                assertEquals(version, again.node().cluster().ring().version(), "the saved ring, not the configured one");
            }
            assertTrue(cluster.path("nodes").size() >= 3);
        } finally {
            for (DynamoServer s : servers) {
                s.close();
            }
        }
    }

    @Test
    void aNodeStartedAloneListsItsConfiguredPeersAsUnreachableAndStatusSaysTheClusterIsNotWhole() throws Exception {
        int[] bin = {freePort(), freePort(), freePort()};
        int[] web = {freePort(), freePort(), freePort()};
        String members = "n1@127.0.0.1:" + bin[0] + ":" + web[0] + ";zone=dc1, n2@127.0.0.1:" + bin[1] + ":" + web[1]
                + ";zone=dc2, n3@127.0.0.1:" + bin[2] + ":" + web[2] + ";zone=dc1";
        try (DynamoServer n1 = DynamoServer.start(conf("n1", "cluster.nodes = " + members
                + "\nmembership.gossip-interval-ms = 100\nq = 32\n"))) {
            Thread.sleep(500); // a few gossip rounds, all of them unanswered
            JsonNode nodes = json(web[0], "/cluster").path("nodes");
            assertEquals(3, nodes.size(), nodes.toString());
            for (JsonNode n : nodes) {
                boolean self = n.path("id").asText().equals("n1");
                assertEquals(self ? "up" : "unreachable", n.path("status").asText(), n.toString());
                assertEquals(self, n.path("seen").asBoolean(), n.toString());
                assertEquals(n.path("id").asText().equals("n2") ? "dc2" : "dc1", n.path("zone").asText(), n.toString());
            }
            assertEquals("[\"dc1\",\"dc2\"]", json(web[0], "/cluster").path("zones").toString());
            StringWriter out = new StringWriter();
            int code = Main.run(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                    new PrintWriter(out, true), "status", "--http", "127.0.0.1:" + web[0]);
            assertTrue(code != 0, "status of a cluster missing two of three nodes fails: " + out);
            assertTrue(out.toString().lines().anyMatch(l -> l.startsWith("n2") && l.contains("DOWN")
                    && l.contains("unreachable")), out.toString());
            // grouped by zone: n3 (dc1) is listed before n2 (dc2), and each zone is summed up
            List<String> rows = out.toString().lines().filter(l -> l.matches("n[123] .*")).toList();
            assertEquals(List.of("n1", "n3", "n2"), rows.stream().map(l -> l.substring(0, 2)).toList(), out.toString());
            assertTrue(rows.get(2).matches("n2\\s+dc2\\s.*"), out.toString());
            assertTrue(out.toString().contains("zone dc1: 2 node(s), 1 answering"), out.toString());
            assertTrue(out.toString().contains("zone dc2: 1 node(s), 0 answering"), out.toString());
        }
    }

    private Path conf(String id, String nodeText) throws IOException {
        Path dir = home.resolve(id).resolve("conf");
        Files.createDirectories(dir.resolve("tables"));
        Files.writeString(dir.resolve("node.properties"), "node.id = " + id + "\n" + nodeText);
        Files.writeString(dir.resolve("tables/default.properties"), TABLE);
        return dir;
    }

    private JsonNode json(int port, String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return path.equals("/metrics") ? JSON.getNodeFactory().textNode(r.body()) : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void waitFor(BooleanSupplier condition, long maxMillis) throws InterruptedException {
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + maxMillis + " ms");
            }
            Thread.sleep(100);
        }
    }
}
