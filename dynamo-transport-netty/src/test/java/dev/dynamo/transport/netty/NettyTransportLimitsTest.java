package dev.dynamo.transport.netty;

import static dev.dynamo.transport.netty.Loopback.await;
import static dev.dynamo.transport.netty.Loopback.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dynamo.api.OverloadedException;
import dev.dynamo.core.limits.LimitObserver;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.Replies;
import dev.dynamo.core.spi.Extensions;
import dev.dynamo.core.spi.MessageHandler;
import dev.dynamo.core.spi.TransportContext;
import dev.dynamo.core.time.VirtualScheduler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The binary port's limits on a real {@link NettyTransport} with tiny settings: each refuses
 * what is over it, counts the refusal under its setting's name, and leaves the port serving.
 */
@Timeout(60)
class NettyTransportLimitsTest {

    private static final byte[] HELLO_WORLD = {7, 7, 7};
    private static final MessageHandler ECHO = (from, request) -> CompletableFuture.completedFuture(request);

    /** Frozen unless a test advances it: the rate limit of the log then depends on nothing else. */
    private final VirtualScheduler scheduler = new VirtualScheduler(0);
    private final Map<String, Integer> refusals = new ConcurrentHashMap<>();
    private final LimitObserver counting = limit -> refusals.merge(limit, 1, Integer::sum);
    private final Map<String, String> addresses = new ConcurrentHashMap<>();
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    @AfterEach
    void closeAll() throws Exception {
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }

    private NettyTransport transport(String node, Map<String, String> properties) {
        Map<String, String> p = new HashMap<>(Map.of("bind", "127.0.0.1:0", "io-threads", "1"));
        p.putAll(properties);
        NettyTransport t = new NettyTransport(new TransportContext(node, addresses::get, p, scheduler,
                Extensions.NONE.with(LimitObserver.class, counting)));
        open.push(t);
        return t;
    }

    private NettyTransport server(Map<String, String> properties, MessageHandler handler) {
        NettyTransport t = transport("server", properties);
        t.start(handler);
        addresses.put("server", "127.0.0.1:" + t.port());
        return t;
    }

    /** A node that only sends to the server, on one connection. */
    private NettyTransport peer(Map<String, String> properties) {
        Map<String, String> p = new HashMap<>(Map.of("connections-per-peer", "1"));
        p.putAll(properties);
        return transport("peer", p);
    }

    private int refused(String key) {
        return refusals.getOrDefault(NettyConfig.limit(key), 0);
    }

    private Socket raw(NettyTransport server) throws IOException {
        Socket s = new Socket();
        open.push(s);
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        s.setSoTimeout(5_000);
        return s;
    }

    /** Reads until the server closes {@code s}; fails if it is still open after 5 s of silence. */
    private static void assertClosedByServer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            for (int i = 0; i < 1_000_000; i++) {
                if (in.read() == -1) {
                    return;
                }
            }
            fail("the server kept sending on a connection it should have closed");
        } catch (SocketTimeoutException e) {
            fail("the server did not close the connection within 5 s");
        } catch (SocketException e) {
            // reset: closed with our bytes unread
        }
    }

    private static void write(Socket s, byte[] bytes) throws IOException {
        try {
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
        } catch (SocketException e) {
            // the server may close before all of it is written
        }
    }

    private static byte[] header(long length, int version, int kind) {
        return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length,
                (byte) version, (byte) kind, 0, 0, 0, 0, 0, 0, 0, 1};
    }

    private static byte[] frame(Frame.Kind kind, long id, byte[] payload) {
        ByteBuf buf = FrameCodec.encode(UnpooledByteBufAllocator.DEFAULT, kind, id, payload);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static OverloadedException overloaded(byte[] answer) {
        return assertThrows(OverloadedException.class, () -> Replies.expect(answer, Message.GetResult.class));
    }

    @Test
    void aConnectionOverMaxConnectionsIsClosedAndCountedAndTheRestAreServed() throws IOException {
        NettyTransport server = server(Map.of("max-connections", "2", "peer-reserved-connections", "0"), ECHO);
        Socket first = raw(server);
        raw(server);
        awaitTrue(() -> server.connections() == 2, "two connections accepted");

        assertClosedByServer(raw(server));
        assertEquals(1, refused(NettyConfig.MAX_CONNECTIONS));
        assertEquals(2, server.connections(), "the refused one is not counted as open");

        first.close();
        awaitTrue(() -> server.connections() == 1, "the server notices the closed connection");
        assertArrayEquals(HELLO_WORLD, await(peer(Map.of()).send("server", HELLO_WORLD, 5_000)));
        assertEquals(1, refused(NettyConfig.MAX_CONNECTIONS), "a connection under the limit is not refused");
    }

    @Test
    void clientsFillingMaxConnectionsDoNotLockPeersOutOfTheReserve() throws IOException {
        NettyTransport server = server(Map.of("max-connections", "1", "peer-reserved-connections", "1"), ECHO);
        Socket client = raw(server);
        write(client, frame(Frame.Kind.REQUEST, 1, HELLO_WORLD));
        awaitTrue(() -> server.connections() == 1, "the client's connection fills max-connections");

        // a second client lands in the reserve: its first frame is a request, not a node's hello
        Socket second = raw(server);
        write(second, frame(Frame.Kind.REQUEST, 1, HELLO_WORLD));
        assertClosedByServer(second);
        assertEquals(1, refused(NettyConfig.MAX_CONNECTIONS));
        // and one that says nothing is closed once the reserve's deadline passes
        assertClosedByServer(raw(server));
        assertEquals(2, refused(NettyConfig.MAX_CONNECTIONS));
        awaitTrue(() -> server.connections() == 1, "the refused ones are closed");

        // a peer node opens with its hello: served in the reserve while the client keeps its slot
        NettyTransport peer = peer(Map.of());
        assertArrayEquals(HELLO_WORLD, await(peer.send("server", HELLO_WORLD, 5_000)));
        assertEquals(2, server.connections());
        // the reserve is full now: one more is closed at once
        assertClosedByServer(raw(server));
        assertEquals(3, refused(NettyConfig.MAX_CONNECTIONS));
        assertArrayEquals(HELLO_WORLD, await(peer.send("server", HELLO_WORLD, 5_000)), "the peer is still served");
    }

    @Test
    void aSilentConnectionIsClosedAfterTheIdleTimeoutAndAPeerReconnectsOnItsNextSend() throws IOException {
        NettyTransport server = server(Map.of("idle-timeout-millis", "200"), ECHO);
        assertClosedByServer(raw(server));
        assertTrue(refused(NettyConfig.IDLE_TIMEOUT_MILLIS) >= 1, "the idle close is counted: " + refusals);

        // a peer that never closes its own connections: the server closes the idle one under it
        NettyTransport peer = peer(Map.of("idle-timeout-millis", "0"));
        assertArrayEquals(HELLO_WORLD, await(peer.send("server", HELLO_WORLD, 5_000)));
        awaitTrue(() -> peer.client().connections() == 0, "the server closed the peer's idle connection");
        assertArrayEquals(HELLO_WORLD, await(peer.send("server", HELLO_WORLD, 5_000)));
        assertEquals(1, peer.client().connections(), "the send reconnected");
    }

    @Test
    void aClientRetiresItsIdleConnectionsItselfAndNoSendFailsForIt() throws InterruptedException {
        server(Map.of("idle-timeout-millis", "0"), ECHO);
        NettyTransport peer = peer(Map.of("idle-timeout-millis", "200")); // retires after 100 ms of silence
        assertArrayEquals(HELLO_WORLD, await(peer.send("server", HELLO_WORLD, 5_000)));
        awaitTrue(() -> peer.client().connections() == 0, "the client closed its idle connection");

        // sends around the moment of retirement: each goes out on the old connection or on a new one
        for (int i = 0; i < 15; i++) {
            byte[] request = {(byte) i};
            assertArrayEquals(request, await(peer.send("server", request, 5_000)), "send " + i);
            Thread.sleep(90 + i % 4 * 5);
        }
    }

    @Test
    void requestsOverMaxInFlightAreAnsweredOverloadedUnhandledThenServedAgain() {
        List<CompletableFuture<byte[]>> held = new CopyOnWriteArrayList<>();
        List<byte[]> handled = new CopyOnWriteArrayList<>();
        NettyTransport server = server(Map.of("max-in-flight", "2"), (from, request) -> {
            handled.add(request);
            if (request[0] == 1) {
                CompletableFuture<byte[]> answer = new CompletableFuture<>();
                held.add(answer);
                return answer;
            }
            return CompletableFuture.completedFuture(request);
        });
        NettyTransport peer = peer(Map.of());
        CompletableFuture<byte[]> a = peer.send("server", new byte[] {1}, 10_000);
        CompletableFuture<byte[]> b = peer.send("server", new byte[] {1}, 10_000);
        awaitTrue(() -> server.inFlight() == 2 && held.size() == 2, "two requests held by the handler");

        OverloadedException e = overloaded(await(peer.send("server", new byte[] {2}, 5_000)));
        assertEquals("transport.netty.max-in-flight", e.limit());
        assertEquals(2, e.value());
        assertEquals(2, e.max());
        assertEquals(2, handled.size(), "the refused request never reached the handler");
        assertEquals(1, refused(NettyConfig.MAX_IN_FLIGHT));

        held.forEach(f -> f.complete(new byte[] {1}));
        assertArrayEquals(new byte[] {1}, await(a));
        assertArrayEquals(new byte[] {1}, await(b));
        assertArrayEquals(new byte[] {2}, await(peer.send("server", new byte[] {2}, 5_000)));
        awaitTrue(() -> server.inFlight() == 0, "every answer written, nothing left in flight");
    }

    @Test
    void aFullHandlerQueueAnswersOverloadedThenServesAgain() throws InterruptedException {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        NettyTransport server = server(Map.of("handler-threads", "1", "handler-queue-size", "1"), (from, request) -> {
            if (request[0] == 1) {
                busy.countDown();
                try {
                    // the one handler thread stalls, as on a slow disk
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return CompletableFuture.completedFuture(request);
        });
        NettyTransport peer = peer(Map.of());
        CompletableFuture<byte[]> stalled = peer.send("server", new byte[] {1}, 30_000);
        assertTrue(busy.await(10, TimeUnit.SECONDS), "the handler thread took the first request");
        CompletableFuture<byte[]> queued = peer.send("server", new byte[] {2}, 30_000);
        awaitTrue(() -> server.inFlight() == 2, "the second request waits in the queue");

        OverloadedException e = overloaded(await(peer.send("server", new byte[] {3}, 5_000)));
        assertEquals("transport.netty.handler-queue-size", e.limit());
        assertEquals(1, e.max());
        assertEquals(1, refused(NettyConfig.HANDLER_QUEUE_SIZE));

        release.countDown();
        assertArrayEquals(new byte[] {1}, await(stalled));
        assertArrayEquals(new byte[] {2}, await(queued));
        assertArrayEquals(new byte[] {3}, await(peer.send("server", new byte[] {3}, 5_000)));
    }

    @Test
    void aFloodOfMalformedFramesLogsOneLinePerKindPerIntervalAndTheServerStillServes() throws IOException {
        NettyTransport server = server(Map.of("max-frame-bytes", "4096"), ECHO);
        for (int i = 0; i < 60; i++) {
            Socket s = raw(server);
            write(s, header(4097 + i, 1, 0));
            assertClosedByServer(s);
            s.close();
        }
        for (int i = 0; i < 60; i++) {
            Socket s = raw(server);
            write(s, i % 2 == 0 ? header(20, 1, 4 + i) : header(20, 2, 0));
            assertClosedByServer(s);
            s.close();
        }
        for (int i = 0; i < 30; i++) {
            Socket s = raw(server);
            write(s, frame(Frame.Kind.RESPONSE, i, new byte[] {1}));
            assertClosedByServer(s);
            s.close();
        }
        assertEquals(60, refused(NettyConfig.MAX_FRAME_BYTES), "every oversized frame is counted");
        assertEquals(2, server.hostileInputLines(), "one line for the malformed frames, one for the violations");

        scheduler.advance(HostileInputLog.INTERVAL_MILLIS);
        Socket s = raw(server);
        write(s, header(20, 1, 99));
        assertClosedByServer(s);
        awaitTrue(() -> server.hostileInputLines() == 3, "a new interval lets one more line through");

        assertArrayEquals(HELLO_WORLD, await(peer(Map.of()).send("server", HELLO_WORLD, 5_000)));
    }
}
