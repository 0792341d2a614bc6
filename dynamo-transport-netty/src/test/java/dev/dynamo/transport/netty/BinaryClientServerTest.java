package dev.dynamo.transport.netty;

import static dev.dynamo.transport.netty.Loopback.address;
import static dev.dynamo.transport.netty.Loopback.await;
import static dev.dynamo.transport.netty.Loopback.awaitTrue;
import static dev.dynamo.transport.netty.Loopback.failure;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.spi.TransportException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BinaryClientServerTest {

    private static final Map<String, String> SMALL = Map.of("io-threads", "1", "shutdown-grace-millis", "2000");

    private final Loopback net = new Loopback();

    @AfterEach
    void closeAll() {
        net.close();
    }

    private static CompletableFuture<byte[]> echo(byte[] request) {
        return CompletableFuture.completedFuture(request);
    }

    @Test
    void roundTripAndFromIsTheRemoteAddressWithoutHello() {
        List<String> from = new CopyOnWriteArrayList<>();
        BinaryServer server = net.server((f, r) -> {
            from.add(f);
            return echo(r);
        }, SMALL);
        BinaryClient client = net.client(SMALL);

        assertArrayEquals("hi".getBytes(UTF_8), await(client.send(address(server), "hi".getBytes(UTF_8), 5_000)));
        assertTrue(from.get(0).startsWith("127.0.0.1:"), from.get(0));
        assertEquals(1, client.connections());
        assertEquals(0, client.pending());
    }

    @Test
    void fromIsTheNodeIdWithHello() {
        List<String> from = new CopyOnWriteArrayList<>();
        BinaryServer server = net.server((f, r) -> {
            from.add(f);
            return echo(r);
        }, SMALL);
        EventLoops loops = net.add(EventLoops.nio("test-io", 1));
        BinaryClient client = net.add(BinaryClient.create(NettyConfig.fromProperties(SMALL), "node-ä", loops));

        await(client.send(address(server), new byte[] {1}, 5_000));
        await(client.send(address(server), new byte[] {2}, 5_000));
        assertEquals(List.of("node-ä", "node-ä"), from);
    }

    @Test
    void thousandPipelinedRequestsOnTwoConnectionsAnsweredInRandomOrder() {
        int n = 1000;
        record Call(byte[] request, CompletableFuture<byte[]> answer) {
        }
        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        BinaryServer server = net.server((f, r) -> {
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            calls.add(new Call(r, answer));
            return answer;
        }, SMALL);
        BinaryClient client = net.client(Map.of("io-threads", "2", "connections-per-peer", "2"));
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            replies.add(client.send(address(server), ("q" + i).getBytes(UTF_8), 10_000));
        }
        awaitTrue(() -> calls.size() == n, "all requests reach the handler");
        assertEquals(n, server.inFlight());
        assertEquals(2, server.connections(), "a pool of two connections carries all requests");

        List<Call> shuffled = new ArrayList<>(calls);
        Collections.shuffle(shuffled, new Random(3));
        ScheduledExecutorService answerers = Executors.newScheduledThreadPool(4);
        try {
            Random delays = new Random(5);
            for (Call call : shuffled) {
                answerers.schedule(() -> call.answer().complete(("a" + new String(call.request(), UTF_8).substring(1))
                        .getBytes(UTF_8)), delays.nextInt(50), TimeUnit.MILLISECONDS);
            }
            for (int i = 0; i < n; i++) {
                assertEquals("a" + i, new String(await(replies.get(i)), UTF_8), "reply " + i);
            }
        } finally {
            answerers.shutdownNow();
        }
        awaitTrue(() -> server.inFlight() == 0, "nothing in flight");
        assertEquals(0, client.pending());
    }

    @Test
    void oneMebibyteRoundTrip() {
        BinaryServer server = net.server((f, r) -> {
            byte[] reversed = new byte[r.length];
            for (int i = 0; i < r.length; i++) {
                reversed[i] = r[r.length - 1 - i];
            }
            return CompletableFuture.completedFuture(reversed);
        }, SMALL);
        BinaryClient client = net.client(SMALL);
        byte[] big = new byte[1 << 20];
        new Random(1).nextBytes(big);

        byte[] answer = await(client.send(address(server), big, 10_000));

        assertEquals(big.length, answer.length);
        for (int i = 0; i < big.length; i++) {
            if (answer[i] != big[big.length - 1 - i]) {
                throw new AssertionError("byte " + i + " differs");
            }
        }
    }

    @Test
    void payloadOverTheFrameLimitIsRefusedBeforeSending() {
        BinaryServer server = net.server((f, r) -> echo(r), SMALL);
        BinaryClient client = net.client(Map.of("io-threads", "1", "max-frame-bytes", "1000"));

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.send(address(server), new byte[991], 5_000).get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertEquals(990, await(client.send(address(server), new byte[990], 5_000)).length, "the largest payload fits");
    }

    @Test
    void answerOverTheServersFrameLimitFailsThatRequestOnly() {
        BinaryServer server = net.server((f, r) -> CompletableFuture.completedFuture(new byte[r[0] * 1000]),
                Map.of("io-threads", "1", "max-frame-bytes", "5000"));
        BinaryClient client = net.client(SMALL);

        TransportException e = failure(client.send(address(server), new byte[] {9}, 5_000),
                TransportException.Kind.REMOTE_FAILURE);
        assertTrue(e.getMessage().contains("exceeds max-frame-bytes"), e.getMessage());
        assertEquals(1000, await(client.send(address(server), new byte[] {1}, 5_000)).length);
    }

    @Test
    void handlerFailureBecomesRemoteFailureWithItsMessage() {
        BinaryServer server = net.server((f, r) -> r.length == 0
                ? CompletableFuture.failedFuture(new IllegalStateException("disk on fire"))
                : null, SMALL);
        BinaryClient client = net.client(SMALL);

        TransportException e = failure(client.send(address(server), new byte[0], 5_000),
                TransportException.Kind.REMOTE_FAILURE);
        assertTrue(e.getMessage().contains("IllegalStateException: disk on fire"), e.getMessage());
        TransportException nullFuture = failure(client.send(address(server), new byte[1], 5_000),
                TransportException.Kind.REMOTE_FAILURE);
        assertTrue(nullFuture.getMessage().contains("null"), nullFuture.getMessage());
    }

    @Test
    void connectionRefusedIsUnreachable() throws Exception {
        BinaryServer server = net.server((f, r) -> echo(r), SMALL);
        String address = address(server);
        server.close();
        BinaryClient client = net.client(SMALL);

        TransportException e = failure(client.send(address, new byte[1], 5_000), TransportException.Kind.UNREACHABLE);
        assertTrue(e.getMessage().contains(address), e.getMessage());
        failure(client.send("not an address", new byte[1], 5_000), TransportException.Kind.UNREACHABLE);
    }

    @Test
    void noAnswerIsTimeout() {
        BinaryServer server = net.server((f, r) -> new CompletableFuture<>(), SMALL);
        BinaryClient client = net.client(SMALL);
        long start = System.nanoTime();

        TransportException e = failure(client.send(address(server), new byte[1], 100), TransportException.Kind.TIMEOUT);

        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(took >= 90 && took < 5_000, "timed out after " + took + " ms");
        assertTrue(e.getMessage().contains("100 ms"), e.getMessage());
        assertEquals(0, client.pending());
    }

    @Test
    void closingTheClientFailsPendingSendsWithClosed() {
        BinaryServer server = net.server((f, r) -> new CompletableFuture<>(), SMALL);
        BinaryClient client = net.client(SMALL);
        List<CompletableFuture<byte[]>> pending = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pending.add(client.send(address(server), new byte[] {(byte) i}, 10_000));
        }
        awaitTrue(() -> server.inFlight() == 10, "requests arrive");

        client.close();

        for (CompletableFuture<byte[]> f : pending) {
            failure(f, TransportException.Kind.CLOSED);
        }
        failure(client.send(address(server), new byte[1], 1_000), TransportException.Kind.CLOSED);
        awaitTrue(() -> server.connections() == 0, "the server sees the connections close");
        awaitTrue(() -> server.inFlight() == 0, "closed connections leave nothing in flight");
    }

    @Test
    void gracefulCloseAnswersRequestsInFlight() throws Exception {
        ConcurrentLinkedQueue<CompletableFuture<byte[]>> answers = new ConcurrentLinkedQueue<>();
        BinaryServer server = net.server((f, r) -> {
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer.thenApply(ignored -> r);
        }, SMALL);
        BinaryClient client = net.client(SMALL);
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            replies.add(client.send(address(server), new byte[] {(byte) i}, 10_000));
        }
        awaitTrue(() -> server.inFlight() == 50, "requests in flight");

        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        awaitTrue(server::isClosed, "close begins");
        Thread.sleep(100);
        assertTrue(!closing.isDone(), "close waits for the requests in flight");
        TransportException late = failure(client.send(address(server), new byte[1], 2_000),
                TransportException.Kind.REMOTE_FAILURE);
        assertTrue(late.getMessage().contains("shutting down"), late.getMessage());
        BinaryClient newcomer = net.client(SMALL);
        failure(newcomer.send(address(server), new byte[1], 2_000), TransportException.Kind.UNREACHABLE);
        for (CompletableFuture<byte[]> a : answers) {
            a.complete(new byte[0]);
        }
        closing.get(10, TimeUnit.SECONDS);

        for (int i = 0; i < 50; i++) {
            assertArrayEquals(new byte[] {(byte) i}, await(replies.get(i)), "reply " + i);
        }
        assertEquals(0, server.inFlight());
    }

    @Test
    void gracefulCloseIsBoundedWhenTheHandlerNeverAnswers() {
        BinaryServer server = net.server((f, r) -> new CompletableFuture<>(),
                Map.of("io-threads", "1", "shutdown-grace-millis", "300"));
        BinaryClient client = net.client(SMALL);
        CompletableFuture<byte[]> reply = client.send(address(server), new byte[1], 10_000);
        awaitTrue(() -> server.inFlight() == 1, "request in flight");
        long start = System.nanoTime();

        server.close();

        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(took >= 250 && took < 5_000, "close took " + took + " ms");
        TransportException e = failure(reply, TransportException.Kind.UNREACHABLE);
        assertTrue(e.getMessage().contains("closed before the answer"), e.getMessage());
    }

    @Test
    void reconnectsAfterTheServerComesBack() throws Exception {
        BinaryServer first = net.server((f, r) -> CompletableFuture.completedFuture("one".getBytes(UTF_8)), SMALL);
        int port = first.port();
        BinaryClient client = net.client(Map.of("io-threads", "1", "connections-per-peer", "1",
                "reconnect-backoff-millis", "0"));
        String address = "127.0.0.1:" + port;
        assertEquals("one", new String(await(client.send(address, new byte[1], 5_000)), UTF_8));

        first.close();
        awaitTrue(() -> client.connections() == 0, "the client notices the closed connection");
        failure(client.send(address, new byte[1], 5_000), TransportException.Kind.UNREACHABLE);
        BinaryServer second = net.add(BinaryServer.start("127.0.0.1", port,
                (f, r) -> CompletableFuture.completedFuture("two".getBytes(UTF_8)), NettyConfig.fromProperties(SMALL)));

        assertEquals("two", new String(await(client.send(address, new byte[1], 5_000)), UTF_8));
        assertEquals(1, second.connections());
    }

    @Test
    void readingPausesAndResumesUnderManyRequestsInFlight() {
        ScheduledExecutorService answerers = Executors.newSingleThreadScheduledExecutor();
        try {
            Random random = new Random(11);
            BinaryServer server = net.server((f, r) -> {
                CompletableFuture<byte[]> answer = new CompletableFuture<>();
                int delay;
                synchronized (random) {
                    delay = random.nextInt(5);
                }
                answerers.schedule(() -> answer.complete(r), delay, TimeUnit.MILLISECONDS);
                return answer;
            }, Map.of("io-threads", "1", "max-in-flight-per-connection", "4"));
            BinaryClient client = net.client(Map.of("io-threads", "1", "connections-per-peer", "1"));
            List<CompletableFuture<byte[]>> replies = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                replies.add(client.send(address(server), new byte[] {(byte) i, 1, 2, 3}, 20_000));
            }
            for (int i = 0; i < 500; i++) {
                assertEquals((byte) i, await(replies.get(i))[0]);
            }
        } finally {
            answerers.shutdownNow();
        }
    }

    @Test
    void handlerThreadsRunTheHandlerOffTheEventLoop() {
        List<String> threads = new CopyOnWriteArrayList<>();
        BinaryServer server = net.server((f, r) -> {
            threads.add(Thread.currentThread().getName());
            return echo(r);
        }, Map.of("io-threads", "1", "handler-threads", "2"));
        BinaryClient client = net.client(SMALL);

        await(client.send(address(server), new byte[1], 5_000));

        assertTrue(threads.get(0).startsWith("dynamo-handler-"), threads.get(0));
    }

    @Test
    void bindingABusyPortFailsWithTheAddress() {
        BinaryServer server = net.server((f, r) -> echo(r), SMALL);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.add(
                BinaryServer.start("127.0.0.1", server.port(), (f, r) -> echo(r), NettyConfig.fromProperties(SMALL))));
        assertTrue(e.getMessage().contains("127.0.0.1:" + server.port()), e.getMessage());
    }
}
