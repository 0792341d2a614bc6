package dev.dynamo.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoException;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.client.DynamoClusterClient;
import dev.dynamo.security.ClusterCredentials;
import dev.dynamo.security.NodeSpec;
import dev.dynamo.security.tls.TlsFiles;
import java.io.IOException;
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
 * A cluster closed to all but its members, started from node.properties with {@code tls.*}:
 * three nodes replicate over mutual TLS, an application with a client certificate writes and
 * reads through the Java client, and neither a client nor a node without certificates gets in.
 */
@Timeout(120)
class SecuredClusterTest {
    private static final String TABLE = "n = 3\nr = 2\nw = 3\nengine = memory\n";

    @TempDir
    Path home;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void membersReplicateOverTlsAndOnlyCertificateHoldersGetIn() throws Exception {
        ClusterCredentials certs = ClusterCredentials.create(home.resolve("certs"), List.of(
                new NodeSpec("n1", List.of("127.0.0.1")), new NodeSpec("n2", List.of("127.0.0.1")),
                new NodeSpec("n3", List.of("127.0.0.1"))), List.of("app"), Duration.ofDays(1));
        int[] bin = {freePort(), freePort(), freePort(), freePort()};
        int[] web = {freePort(), freePort(), freePort(), freePort()};
        String members = "n1@127.0.0.1:" + bin[0] + ":" + web[0] + ", n2@127.0.0.1:" + bin[1] + ":" + web[1]
                + ", n3@127.0.0.1:" + bin[2] + ":" + web[2];
        List<DynamoServer> servers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                String id = "n" + (i + 1);
                Path conf = conf(id, "cluster.nodes = " + members + "\nq = 16\nmembership.gossip-interval-ms = 100\n");
                // the node's files next to its node.properties, named relative to it, as an operator would copy them
                TlsFiles files = certs.node(id);
                Files.copy(files.certificate(), conf.resolve("node.pem"));
                Files.copy(files.privateKey(), conf.resolve("node-key.pem"));
                Files.copy(files.ca(), conf.resolve("ca.pem"));
                Files.writeString(conf.resolve("node.properties"), "tls.cert = node.pem\ntls.key = node-key.pem\n"
                        + "tls.ca = ca.pem\n", java.nio.file.StandardOpenOption.APPEND);
                servers.add(DynamoServer.start(conf));
            }

            TlsFiles app = certs.client("app");
            byte[] key = "cart-1".getBytes(StandardCharsets.UTF_8);
            byte[] value = "three apples".getBytes(StandardCharsets.UTF_8);
            try (DynamoClusterClient client = DynamoClusterClient.builder().seeds("127.0.0.1:" + bin[0])
                    .tls(app.certificate(), app.privateKey(), app.ca()).build()) {
                // w = 3: every replica acknowledged, so the coordinator reached both others over TLS
                client.put("default", key, Context.EMPTY, value);
                GetResult read = client.get("default", key, new RequestOptions(3, null, null));
                assertArrayEquals(value, read.value());
            }
            for (DynamoServer s : servers) {
                GetResult local = s.node().get("default", key, new RequestOptions(1, null, null)).join();
                assertTrue(local.isFound(), s.node().id() + " holds the replica");
            }

            // an application without a certificate cannot even learn the ring
            try (DynamoClusterClient plaintext = DynamoClusterClient.builder().seeds("127.0.0.1:" + bin[0])
                    .requestTimeout(Duration.ofSeconds(2)).build()) {
                DynamoException e = assertThrows(DynamoException.class,
                        () -> plaintext.put("default", key, Context.EMPTY, "overwritten".getBytes(StandardCharsets.UTF_8)));
                assertTrue(e.getMessage().contains("ring"), e.getMessage());
            }

            // a node without certificates, seeded with n1, is refused at every gossip: it never joins
            Path n4 = conf("n4", "host = 127.0.0.1\nbinary.port = " + bin[3] + "\nhttp.port = " + web[3]
                    + "\nseeds = 127.0.0.1:" + bin[0] + "\nmembership.gossip-interval-ms = 100\n");
            servers.add(DynamoServer.start(n4));
            waitFor(() -> refusals(web[0], "tls.handshake") >= 3, 30_000);
            assertFalse(body(web[0], "/cluster").contains("\"n4\""), body(web[0], "/cluster"));
            assertEquals(0, servers.get(3).node().cluster().ring().version(), "n4 is still outside any ring");

            try (DynamoClusterClient client = DynamoClusterClient.builder().seeds("127.0.0.1:" + bin[1])
                    .tls(app.certificate(), app.privateKey(), app.ca()).build()) {
                assertArrayEquals(value, client.get("default", key).value(), "nothing was overwritten");
            }
        } finally {
            for (DynamoServer s : servers) {
                s.close();
            }
        }
    }

    private Path conf(String id, String nodeText) throws IOException {
        Path dir = home.resolve(id).resolve("conf");
        Files.createDirectories(dir.resolve("tables"));
        Files.writeString(dir.resolve("node.properties"), "node.id = " + id + "\n" + nodeText);
        Files.writeString(dir.resolve("tables/default.properties"), TABLE);
        return dir;
    }

    /** A refusal counter of the node's /metrics, 0 when absent. */
    private long refusals(int httpPort, String limit) {
        String prefix = "dynamo_limit_refusals_total{limit=\"" + limit + "\"";
        return body(httpPort, "/metrics").lines().filter(l -> l.startsWith(prefix))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private String body(int port, String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.body();
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
