package dev.dynamo.transport.netty;

import static dev.dynamo.transport.netty.Loopback.await;
import static dev.dynamo.transport.netty.Loopback.awaitTrue;
import static dev.dynamo.transport.netty.Loopback.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.DynamoException;
import dev.dynamo.api.ErrorCode;
import dev.dynamo.core.limits.LimitObserver;
import dev.dynamo.core.protocol.Errors;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.spi.Extensions;
import dev.dynamo.core.spi.MessageHandler;
import dev.dynamo.core.spi.TransportContext;
import dev.dynamo.core.spi.TransportException;
import dev.dynamo.core.time.VirtualScheduler;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.security.ClusterCredentials;
import dev.dynamo.security.NodeSpec;
import dev.dynamo.security.tls.CertificateAuthority;
import dev.dynamo.security.tls.Pem;
import dev.dynamo.security.tls.TlsFiles;
import dev.dynamo.security.tls.TlsMaterial;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS on the binary port, for real on 127.0.0.1, with certificates of
 * {@link ClusterCredentials}: members of one CA talk; another CA, plaintext, no client
 * certificate, a hello naming another node and a server that is not the node dialed are
 * refused and counted; a client certificate may send client operations only.
 */
@Timeout(60)
class NettyTransportTlsTest {

    @TempDir
    static Path dir;

    private static ClusterCredentials cluster;
    private static ClusterCredentials other;

    /** Each node's refusals, by name. */
    private final Map<String, Map<String, Integer>> refusals = new ConcurrentHashMap<>();
    /** What each node's handler was asked: "from type". */
    private final Map<String, List<String>> served = new ConcurrentHashMap<>();
    private final Map<String, String> addresses = new ConcurrentHashMap<>();
    private final VirtualScheduler scheduler = new VirtualScheduler(0);
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    @BeforeAll
    static void issue() throws Exception {
        List<NodeSpec> nodes = List.of(new NodeSpec("n1", List.of("127.0.0.1")), new NodeSpec("n2",
                List.of("127.0.0.1")), new NodeSpec("n3", List.of("127.0.0.1")));
        cluster = ClusterCredentials.create(dir.resolve("cluster"), nodes, List.of("app"), Duration.ofDays(1));
        other = ClusterCredentials.create(dir.resolve("other"), List.of(new NodeSpec("n2", List.of("127.0.0.1"))),
                List.of(), Duration.ofDays(1));
    }

    @AfterEach
    void closeAll() throws Exception {
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }

    private static Map<String, String> tls(TlsFiles files) {
        return Map.of("tls.cert", files.certificate().toString(), "tls.key", files.privateKey().toString(),
                "tls.ca", files.ca().toString());
    }

    /** Node {@code id} with {@code files}, listening on a free port under its own id. */
    private NettyTransport node(String id, Map<String, String> properties) {
        Map<String, String> p = new HashMap<>(Map.of("bind", "127.0.0.1:0", "io-threads", "1"));
        p.putAll(properties);
        Map<String, Integer> counted = refusals.computeIfAbsent(id, k -> new ConcurrentHashMap<>());
        LimitObserver counting = limit -> counted.merge(limit, 1, Integer::sum);
        NettyTransport t = new NettyTransport(new TransportContext(id, addresses::get, p, scheduler,
                Extensions.NONE.with(LimitObserver.class, counting)));
        open.push(t);
        List<String> log = served.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>());
        MessageHandler handler = (from, request) -> {
            log.add(from + " " + MessageCodec.decode(request).getClass().getSimpleName());
            return CompletableFuture.completedFuture(MessageCodec.encode(new Message.PutResult(new byte[] {42})));
        };
        t.start(handler);
        addresses.put(id, "127.0.0.1:" + t.port());
        return t;
    }

    private int refused(String node, String name) {
        return refusals.getOrDefault(node, Map.of()).getOrDefault(name, 0);
    }

    private static byte[] gossip() {
        return MessageCodec.encode(new Message.Gossip(new byte[] {1, 2, 3}));
    }

    private static Message answer(CompletableFuture<byte[]> f) {
        return MessageCodec.decode(await(f));
    }

    private BinaryClient client(TransportTls tls, String localId) {
        EventLoops loops = EventLoops.create("test-client", 1);
        open.push(loops);
        // no backoff after a failed connect: each send tries a new connection
        BinaryClient c = BinaryClient.create(NettyConfig.fromProperties(Map.of("connections-per-peer", "1",
                "reconnect-backoff-millis", "0")), localId, loops, tls);
        open.push(c);
        return c;
    }

    @Test
    void twoNodesOfOneCaExchangeMessagesNamedByTheirCertificates() {
        NettyTransport n1 = node("n1", tls(cluster.node("n1")));
        node("n2", tls(cluster.node("n2")));

        assertInstanceOf(Message.PutResult.class, answer(n1.send("n2", gossip(), 5_000)));
        assertEquals(List.of("n1 Gossip"), served.get("n2"));
        assertTrue(n1.tls().isPresent());
        assertEquals(Map.of(), refusals.get("n2"));
        assertEquals(Map.of(), refusals.get("n1"));
    }

    @Test
    void aNodeOfAnotherCaIsRefusedByTheServer() throws Exception {
        node("n1", tls(cluster.node("n1")));
        // the intruder trusts our CA too, so it is the server's check that stops it, not its own
        Path both = dir.resolve("intruder-trusts-both.pem");
        List<X509Certificate> cas = new ArrayList<>(Pem.readCertificates(cluster.caCertificate()));
        cas.addAll(Pem.readCertificates(other.caCertificate()));
        Pem.writeCertificates(both, cas);
        TlsFiles intruder = new TlsFiles(other.node("n2").certificate(), other.node("n2").privateKey(), both);

        BinaryClient client = client(TransportTls.load(intruder), "n2");
        failure(client.sendToNode(addresses.get("n1"), "n1", gossip(), 5_000), TransportException.Kind.UNREACHABLE);

        awaitTrue(() -> refused("n1", TransportTls.HANDSHAKE) == 1, "n1 counts the refused handshake");
        assertEquals(List.of(), served.get("n1"), "nothing of the intruder reached the handler");
    }

    @Test
    void aPlaintextNodeCannotTalkToATlsPortNorATlsNodeToAPlaintextOne() {
        node("n1", tls(cluster.node("n1")));
        node("n2", Map.of());

        BinaryClient plaintext = client(null, "n2");
        failure(plaintext.send(addresses.get("n1"), gossip(), 5_000), TransportException.Kind.UNREACHABLE);
        awaitTrue(() -> refused("n1", TransportTls.HANDSHAKE) == 1, "n1 counts the plaintext connection");

        BinaryClient secured = client(TransportTls.load(cluster.node("n1")), "n1");
        TransportException e = failure(secured.sendToNode(addresses.get("n2"), "n2", gossip(), 5_000),
                TransportException.Kind.UNREACHABLE);
        assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
        assertEquals(List.of(), served.get("n1"));
        assertEquals(List.of(), served.get("n2"));
    }

    @Test
    void aTlsClientWithoutACertificateIsRefused() throws Exception {
        NettyTransport n1 = node("n1", tls(cluster.node("n1")));
        // trusts the cluster CA, presents nothing
        SSLContext noCertificate = SSLContext.getInstance(TlsMaterial.PROTOCOL);
        noCertificate.init(null, TlsMaterial.load(cluster.node("n2"), Clock.systemUTC()).trustManagerFactory()
                .getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) noCertificate.getSocketFactory().createSocket("127.0.0.1", n1.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(frameBytes());
            socket.getOutputStream().flush();
            assertClosed(socket.getInputStream());
        } catch (IOException e) {
            // the server's alert may surface on the write or the handshake instead
        }
        awaitTrue(() -> refused("n1", TransportTls.HANDSHAKE) == 1, "n1 counts the handshake without a certificate");
        assertEquals(List.of(), served.get("n1"));
    }

    @Test
    void aClientCertificateMayGetAndPutButNotSendNodeMessages() {
        node("n1", tls(cluster.node("n1")));
        BinaryClient app = client(TransportTls.load(cluster.client("app")), null);
        String n1 = addresses.get("n1");

        Message.Get get = new Message.Get("t", new byte[] {1}, 0, 0);
        Message.Put put = new Message.Put("t", new byte[] {1}, new byte[0], new byte[] {2}, false, 0, 0, false);
        assertInstanceOf(Message.PutResult.class, answer(app.send(n1, MessageCodec.encode(get), 5_000)));
        assertInstanceOf(Message.PutResult.class, answer(app.send(n1, MessageCodec.encode(put), 5_000)));
        assertInstanceOf(Message.PutResult.class, answer(app.send(n1,
                MessageCodec.encode(new Message.RingRequest()), 5_000)));

        Message.ReplicaWrite replicaWrite = new Message.ReplicaWrite("t", 0, new byte[] {1}, SiblingSet.EMPTY, true);
        for (byte[] nodeMessage : List.of(MessageCodec.encode(replicaWrite), gossip())) {
            DynamoException refused = Errors.toException(assertInstanceOf(Message.Error.class,
                    answer(app.send(n1, nodeMessage, 5_000))));
            assertEquals(ErrorCode.FORBIDDEN, refused.errorCode());
            assertTrue(refused.getMessage().contains("client 'app'"), refused.getMessage());
        }
        assertEquals(2, refused("n1", TransportTls.CLIENT_OPERATION));
        // the connection still serves client operations
        assertInstanceOf(Message.PutResult.class, answer(app.send(n1, MessageCodec.encode(get), 5_000)));
        assertEquals(4, served.get("n1").size());
        assertTrue(served.get("n1").stream().noneMatch(s -> s.endsWith("ReplicaWrite") || s.endsWith("Gossip")),
                served.get("n1").toString());
    }

    @Test
    void aHelloNamingAnotherNodeThanTheCertificateIsRefused() {
        node("n1", tls(cluster.node("n1")));

        BinaryClient impostor = client(TransportTls.load(cluster.node("n2")), "n3");
        failure(impostor.sendToNode(addresses.get("n1"), "n1", gossip(), 5_000), TransportException.Kind.UNREACHABLE);
        awaitTrue(() -> refused("n1", TransportTls.HELLO) == 1, "n1 counts the hello naming n3");

        BinaryClient appPosingAsNode = client(TransportTls.load(cluster.client("app")), "n2");
        failure(appPosingAsNode.send(addresses.get("n1"), gossip(), 5_000), TransportException.Kind.UNREACHABLE);
        awaitTrue(() -> refused("n1", TransportTls.HELLO) == 2, "n1 counts a client certificate's hello");
        assertEquals(List.of(), served.get("n1"));
    }

    @Test
    void dialingN2AndReachingN3Fails() {
        NettyTransport n1 = node("n1", tls(cluster.node("n1")));
        node("n3", tls(cluster.node("n3")));
        addresses.put("n2", addresses.get("n3")); // a stale or forged address

        TransportException e = failure(n1.send("n2", gossip(), 5_000), TransportException.Kind.UNREACHABLE);
        assertTrue(e.getMessage().contains("'n3'"), e.getMessage());
        assertEquals(1, refused("n1", TransportTls.SERVER_IDENTITY));
        assertEquals(List.of(), served.get("n3"));
        // n3 itself is reachable under its own name
        assertInstanceOf(Message.PutResult.class, answer(n1.send("n3", gossip(), 5_000)));
    }

    @Test
    void aRotatedCertificateServesNewConnectionsAfterOnePoll() throws Exception {
        // n1 starts with a certificate lacking the address it is dialed by: clients refuse it
        Path n1Dir = Files.createDirectories(dir.resolve("rotating"));
        TlsFiles n1Files = new TlsFiles(n1Dir.resolve("n1.pem"), n1Dir.resolve("n1-key.pem"), cluster.caCertificate());
        CertificateAuthority ca = CertificateAuthority.load(cluster.caCertificate(), cluster.caKey(), Clock.systemUTC());
        ca.issueNode("n1", List.of("10.9.9.9"), Duration.ofHours(1)).writeTo(n1Files.certificate(),
                n1Files.privateKey());
        Map<String, String> properties = new HashMap<>(tls(n1Files));
        properties.put("tls.reload-interval-ms", "5000");
        node("n1", properties);
        BinaryClient app = client(TransportTls.load(cluster.client("app")), null);
        byte[] get = MessageCodec.encode(new Message.Get("t", new byte[] {1}, 0, 0));
        TransportException before = failure(app.send(addresses.get("n1"), get, 5_000),
                TransportException.Kind.UNREACHABLE);
        assertTrue(before.getMessage().contains("subject alternative names"), before.getMessage());

        // the operator writes the fixed certificate over the files; nothing changes until the next poll
        Files.delete(n1Files.certificate());
        Files.delete(n1Files.privateKey());
        ca.issueNode("n1", List.of("127.0.0.1"), Duration.ofHours(1)).writeTo(n1Files.certificate(),
                n1Files.privateKey());
        scheduler.runFor(4_000);
        failure(app.send(addresses.get("n1"), get, 5_000), TransportException.Kind.UNREACHABLE);
        scheduler.runFor(1_000);
        assertInstanceOf(Message.PutResult.class, answer(app.send(addresses.get("n1"), get, 5_000)));
    }

    @Test
    void aTransportRefusesFilesThatDoNotNameItOrAreIncomplete() {
        IllegalArgumentException wrongNode = assertThrows(IllegalArgumentException.class,
                () -> node("n1", tls(cluster.node("n2"))));
        assertTrue(wrongNode.getMessage().contains("tls.cert") && wrongNode.getMessage().contains("'n1'"),
                wrongNode.getMessage());

        Map<String, String> noKey = new HashMap<>(tls(cluster.node("n1")));
        noKey.remove("tls.key");
        IllegalArgumentException incomplete = assertThrows(IllegalArgumentException.class, () -> node("n1", noKey));
        assertTrue(incomplete.getMessage().contains("tls.key missing"), incomplete.getMessage());
    }

    private static byte[] frameBytes() {
        byte[] payload = MessageCodec.encode(new Message.RingRequest());
        var buf = FrameCodec.encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, Frame.Kind.REQUEST, 1, payload);
        try {
            return io.netty.buffer.ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** Reads until the server closes; an alert surfaces as an exception, which also means closed. */
    private static void assertClosed(InputStream in) throws IOException {
        for (int i = 0; i < 1_000_000; i++) {
            if (in.read() == -1) {
                return;
            }
        }
        throw new AssertionError("the server kept sending on a connection it should have closed");
    }
}
