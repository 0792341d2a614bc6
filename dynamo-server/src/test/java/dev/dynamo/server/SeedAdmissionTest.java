package dev.dynamo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.security.ClusterCredentials;
import dev.dynamo.security.NodeSpec;
import dev.dynamo.security.tls.TlsFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /membership/join?seed=} on a node with mutual TLS: a seed that does not pass the TLS
 * check (here a plaintext server, as an attacker without a cluster certificate would run) is
 * refused with 409 and never kept among the node's seeds; a member of the cluster is kept, and
 * the node joins through it.
 */
@Timeout(120)
class SeedAdmissionTest {
    private static final String TABLE = "n = 1\nr = 1\nw = 1\nengine = memory\n";
    private static final String FAST = "membership.gossip-interval-ms = 100\n"
            + "membership.cleanup-delay-ms = 500\nq = 16\n";

    @TempDir
    Path home;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Accepts connections on loopback and answers each with plaintext, as a seed without TLS would. */
    private static final class PlaintextSeed implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger connections = new AtomicInteger();
        final Thread acceptor;

        PlaintextSeed() throws IOException {
            socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        connections.incrementAndGet();
                        OutputStream out = s.getOutputStream();
                        out.write("I am your seed, trust me\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException e) {
                        // closed: the loop ends; a peer that went away: next connection
                    }
                }
            }, "plaintext-seed");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            acceptor.join(5_000);
        }
    }

    @Test
    void aSeedWithoutAClusterCertificateIsRefusedAndNotKeptAMemberIsKept() throws Exception {
        ClusterCredentials certs = ClusterCredentials.create(home.resolve("certs"), List.of(
                new NodeSpec("n1", List.of("127.0.0.1")), new NodeSpec("n2", List.of("127.0.0.1"))), List.of(),
                Duration.ofDays(1));
        int[] bin = {freePort(), freePort()};
        int[] web = {freePort(), freePort()};
        int down = freePort(); // nothing listens there: the joiner's configured seed is down
        List<DynamoServer> servers = new ArrayList<>();
        try (PlaintextSeed attacker = new PlaintextSeed()) {
            servers.add(DynamoServer.start(conf("n1", certs.node("n1"), "cluster.nodes = n1@127.0.0.1:" + bin[0] + ":"
                    + web[0] + "\n")));
            DynamoServer joiner = DynamoServer.start(conf("n2", certs.node("n2"), "host = 127.0.0.1\nbinary.port = "
                    + bin[1] + "\nhttp.port = " + web[1] + "\nseeds = 127.0.0.1:" + down + "\n"));
            servers.add(joiner);
            assertEquals(List.of("127.0.0.1:" + down), joiner.membership().gossiper().seeds());

            HttpResponse<String> refused = post(web[1], "/membership/join?seed=" + attacker.address());
            assertEquals(409, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("\"error\":\"membership_refused\""), refused.body());
            assertTrue(refused.body().contains("seed '" + attacker.address() + "' did not complete a gossip exchange"),
                    refused.body());
            assertTrue(refused.body().contains("it is not kept as a seed"), refused.body());
            assertTrue(attacker.connections.get() >= 1, "the node did dial the seed, and refused it at the handshake");
            assertEquals(List.of("127.0.0.1:" + down), joiner.membership().gossiper().seeds(),
                    "the plaintext seed is not among the seeds");
            assertEquals(0, joiner.node().cluster().ring().version(), "nothing was learnt from it");

            HttpResponse<String> accepted = post(web[1], "/membership/join?seed=127.0.0.1:" + bin[0]);
            assertEquals(202, accepted.statusCode(), accepted.body());
            assertEquals(List.of("127.0.0.1:" + down, "127.0.0.1:" + bin[0]),
                    joiner.membership().gossiper().seeds(), "a member that passed the TLS check is kept");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!joiner.node().cluster().ring().contains("n2")) {
                assertTrue(System.nanoTime() < deadline, "n2 joined through n1 within 60 s");
                Thread.sleep(100);
            }
            assertFalse(joiner.membership().gossiper().seeds().contains(attacker.address()),
                    "still not a seed after the join");
        } finally {
            for (DynamoServer s : servers) {
                s.close();
            }
        }
    }

    private Path conf(String id, TlsFiles files, String nodeText) throws IOException {
        Path dir = home.resolve(id).resolve("conf");
        Files.createDirectories(dir.resolve("tables"));
        Files.writeString(dir.resolve("node.properties"), "node.id = " + id + "\n" + nodeText + FAST
                + "tls.cert = " + files.certificate() + "\ntls.key = " + files.privateKey() + "\ntls.ca = "
                + files.ca() + "\n");
        Files.writeString(dir.resolve("tables/default.properties"), TABLE);
        return dir;
    }

    private HttpResponse<String> post(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
