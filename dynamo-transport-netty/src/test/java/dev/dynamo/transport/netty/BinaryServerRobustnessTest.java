package dev.dynamo.transport.netty;

import static dev.dynamo.transport.netty.Loopback.address;
import static dev.dynamo.transport.netty.Loopback.await;
import static dev.dynamo.transport.netty.Loopback.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Malformed input closes the offending connection only: a well-behaved client on another
 * connection gets every answer during and after.
 */
@Timeout(30)
class BinaryServerRobustnessTest {

    private static final int MAX_FRAME = 64 * 1024;

    private final Loopback net = new Loopback();
    private BinaryServer server;
    private BinaryClient good;
    private Thread goodTraffic;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger goodAnswers = new AtomicInteger();
    private final AtomicReference<Throwable> goodFailure = new AtomicReference<>();

    @BeforeEach
    void start() {
        server = net.server((from, request) -> CompletableFuture.completedFuture(request),
                Map.of("io-threads", "2", "max-frame-bytes", String.valueOf(MAX_FRAME)));
        good = net.client(Map.of("io-threads", "1", "connections-per-peer", "1"));
        goodTraffic = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
            int i = 0;
            while (!stop.get() && System.nanoTime() < deadline) {
                byte[] request = {(byte) i++, 1, 2, 3};
                try {
                    assertArrayEquals(request, good.send(address(server), request, 5_000).get(6, TimeUnit.SECONDS));
                    goodAnswers.incrementAndGet();
                } catch (Throwable e) {
                    goodFailure.compareAndSet(null, e);
                    return;
                }
            }
        }, "good-client");
        goodTraffic.start();
        awaitTrue(() -> goodAnswers.get() > 10, "the good client gets answers");
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        stop.set(true);
        goodTraffic.join(10_000);
        net.close();
    }

    /** After the bad input: the good client still got every answer, and gets more. */
    private void assertGoodClientUnaffected() {
        int before = goodAnswers.get();
        awaitTrue(() -> goodAnswers.get() > before + 10 || goodFailure.get() != null, "more answers");
        if (goodFailure.get() != null) {
            throw new AssertionError("the good client failed", goodFailure.get());
        }
        assertEquals(1, good.connections(), "the good client kept its one connection");
        assertArrayEquals(new byte[] {5}, await(good.send(address(server), new byte[] {5}, 5_000)));
    }

    private static byte[] header(int length, int version, int kind) {
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

    /** Sends {@code input} on a fresh connection and asserts the server closes it. */
    private void assertServerCloses(byte[] input) throws IOException {
        long errorsBefore = server.protocolErrors();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5_000);
            try {
                s.getOutputStream().write(input);
                s.getOutputStream().flush();
            } catch (SocketException e) {
                // the server may close before all of the input is written
            }
            InputStream in = s.getInputStream();
            try {
                int b;
                do {
                    b = in.read();
                } while (b != -1);
            } catch (SocketTimeoutException e) {
                fail("the server did not close the connection within 5 s");
            } catch (SocketException e) {
                // reset: closed with our bytes unread
            }
        }
        awaitTrue(() -> server.protocolErrors() == errorsBefore + 1, "the protocol error is counted");
    }

    @Test
    void randomBytesCloseTheConnection() throws IOException {
        byte[] garbage = new byte[64 * 1024];
        new Random(17).nextBytes(garbage);
        assertServerCloses(garbage);
        assertGoodClientUnaffected();
    }

    @Test
    void oversizedLengthClosesTheConnection() throws IOException {
        assertServerCloses(header(Integer.MAX_VALUE, 1, 0));
        assertServerCloses(header(MAX_FRAME + 1, 1, 0));
        assertServerCloses(header(-1, 1, 0));
        assertGoodClientUnaffected();
    }

    @Test
    void lengthShorterThanTheHeaderClosesTheConnection() throws IOException {
        assertServerCloses(header(3, 1, 0));
        assertGoodClientUnaffected();
    }

    @Test
    void wrongVersionClosesTheConnection() throws IOException {
        assertServerCloses(header(20, 2, 0));
        assertServerCloses(header(20, 0, 0));
        assertGoodClientUnaffected();
    }

    @Test
    void unknownKindClosesTheConnection() throws IOException {
        assertServerCloses(header(20, 1, 4));
        assertServerCloses(header(20, 1, 200));
        assertGoodClientUnaffected();
    }

    @Test
    void answerKindsAndLateHellosSentToTheServerCloseTheConnection() throws IOException {
        assertServerCloses(frame(Frame.Kind.RESPONSE, 1, new byte[] {1}));
        assertServerCloses(frame(Frame.Kind.FAILURE, 1, new byte[] {1}));
        byte[] request = frame(Frame.Kind.REQUEST, 1, new byte[] {1});
        byte[] hello = frame(Frame.Kind.HELLO, 0, new byte[] {'x'});
        byte[] both = new byte[request.length + hello.length];
        System.arraycopy(request, 0, both, 0, request.length);
        System.arraycopy(hello, 0, both, request.length, hello.length);
        assertServerCloses(both);
        assertServerCloses(frame(Frame.Kind.HELLO, 0, new byte[0]));
        assertGoodClientUnaffected();
    }

    @Test
    void aTruncatedFrameThenCloseLeavesTheServerServing() throws IOException {
        byte[] f = frame(Frame.Kind.REQUEST, 9, new byte[1000]);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(f, 0, 500);
            s.getOutputStream().flush();
        }
        awaitTrue(() -> server.connections() == 1, "the truncated connection is gone");
        assertEquals(0, server.protocolErrors(), "a truncated frame at close is not a protocol error");
        assertGoodClientUnaffected();
    }

    @Test
    void aWellFormedRawRequestIsAnswered() throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(frame(Frame.Kind.REQUEST, 77, new byte[] {4, 2}));
            byte[] expected = frame(Frame.Kind.RESPONSE, 77, new byte[] {4, 2});
            assertArrayEquals(expected, s.getInputStream().readNBytes(expected.length));
        }
        assertGoodClientUnaffected();
    }
}
