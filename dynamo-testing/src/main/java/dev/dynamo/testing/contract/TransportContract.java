package dev.dynamo.testing.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dynamo.core.spi.MessageHandler;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.spi.TransportException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Transport} owes: round trips, answers matched to their requests under
 * concurrency and reordering, timeouts, unknown peers, remote failures, close, large
 * messages, payload isolation, the count of requests in flight and the bound address. A transport is done when its subclass is green, unchanged.
 *
 * <p>A subclass says how to build {@code n} connected transports and how to wait: on
 * virtual time waiting means running the scheduler, on a real network it means polling.
 *
 * <pre>{@code
 * class NettyTransportContractTest extends TransportContract {
 *     protected List<Transport> createTransports(int n) { ... n transports on free ports ... }
 *     protected void awaitUntil(BooleanSupplier condition, String what) {
 *         awaitPolling(condition, what, 10_000);
 *     }
 * }
 * }</pre>
 */
public abstract class TransportContract {

    /** A timeout long enough for any answer in this suite. */
    protected static final long LONG_TIMEOUT_MILLIS = 10_000;

    private final List<Transport> created = new ArrayList<>();

    /**
     * Creates {@code n} transports with distinct node ids that can all reach one another,
     * not started. Called at most a few times per test; the contract closes them.
     */
    protected abstract List<Transport> createTransports(int n);

    /**
     * Returns once {@code condition} holds, driving time as needed (run the scheduler on
     * virtual time, poll on a real one); fails the test, naming {@code what}, if it does not
     * hold within a generous bound.
     */
    protected abstract void awaitUntil(BooleanSupplier condition, String what);

    /** A node id no transport of this test knows. */
    protected String unknownNode() {
        return "no-such-node";
    }

    /** The timeout used by the timeout test: short, yet longer than a round trip. */
    protected long shortTimeoutMillis() {
        return 100;
    }

    /**
     * True when the transport listens on a socket once started, so that
     * {@link Transport#boundAddress()} must name it; false for in-memory transports.
     */
    protected boolean listensOnSocket() {
        return false;
    }

    /** Called after the contract closed every transport of a test. */
    protected void cleanUp() {
    }

    /** For real-time subclasses: polls {@code condition} every millisecond up to {@code maxMillis}. */
    protected static void awaitPolling(BooleanSupplier condition, String what, long maxMillis) {
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + maxMillis + " ms waiting for: " + what);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for: " + what);
            }
        }
    }

    @AfterEach
    final void closeTransports() {
        try {
            for (Transport t : created) {
                t.close();
            }
        } finally {
            created.clear();
            cleanUp();
        }
    }

    // ------------------------------------------------------------------ tests

    @Test
    void requestGetsItsAnswer() {
        List<Transport> ts = connected(2);
        Transport a = ts.get(0);
        Transport b = ts.get(1);
        List<String> senders = new CopyOnWriteArrayList<>();
        b.start((from, request) -> {
            senders.add(from);
            return CompletableFuture.completedFuture(("pong:" + new String(request, UTF_8)).getBytes(UTF_8));
        });
        a.start(failingHandler());

        CompletableFuture<byte[]> reply = a.send(b.localNode(), "ping".getBytes(UTF_8), LONG_TIMEOUT_MILLIS);

        assertEquals("pong:ping", new String(await(reply), UTF_8));
        assertEquals(List.of(a.localNode()), senders, "the handler is told who sent the request");
    }

    @Test
    void localNodeIsDistinctPerTransport() {
        List<Transport> ts = connected(3);
        Set<String> ids = Set.of(ts.get(0).localNode(), ts.get(1).localNode(), ts.get(2).localNode());
        assertEquals(3, ids.size());
    }

    @Test
    void bothDirectionsWork() {
        List<Transport> ts = connected(2);
        Transport a = ts.get(0);
        Transport b = ts.get(1);
        a.start((from, request) -> CompletableFuture.completedFuture("from-a".getBytes(UTF_8)));
        b.start((from, request) -> CompletableFuture.completedFuture("from-b".getBytes(UTF_8)));

        CompletableFuture<byte[]> ab = a.send(b.localNode(), new byte[] {1}, LONG_TIMEOUT_MILLIS);
        CompletableFuture<byte[]> ba = b.send(a.localNode(), new byte[] {2}, LONG_TIMEOUT_MILLIS);

        assertEquals("from-b", new String(await(ab), UTF_8));
        assertEquals("from-a", new String(await(ba), UTF_8));
    }

    @Test
    void concurrentRequestsAreMatchedToTheirAnswersEvenWhenAnsweredOutOfOrder() {
        int perSender = 100;
        List<Transport> ts = connected(3);
        Transport server = ts.get(0);
        record Call(byte[] request, CompletableFuture<byte[]> answer) {
        }
        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        server.start((from, request) -> {
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            calls.add(new Call(request, answer));
            return answer;
        });
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int c = 1; c <= 2; c++) {
            ts.get(c).start(failingHandler());
        }
        for (int i = 0; i < perSender; i++) {
            for (int c = 1; c <= 2; c++) {
                String body = ts.get(c).localNode() + "#" + i;
                replies.add(ts.get(c).send(server.localNode(), body.getBytes(UTF_8), LONG_TIMEOUT_MILLIS));
                expected.add("re:" + body);
            }
        }
        awaitUntil(() -> calls.size() == 2 * perSender, "all " + 2 * perSender + " requests reach the handler");

        List<Call> shuffled = new ArrayList<>(calls);
        Collections.shuffle(shuffled, new Random(7));
        for (Call call : shuffled) {
            call.answer().complete(("re:" + new String(call.request(), UTF_8)).getBytes(UTF_8));
        }

        awaitUntil(() -> replies.stream().allMatch(CompletableFuture::isDone), "all replies");
        for (int i = 0; i < replies.size(); i++) {
            assertEquals(expected.get(i), new String(replies.get(i).join(), UTF_8), "reply " + i);
        }
    }

    @Test
    void sendWithoutAnswerTimesOut() {
        List<Transport> ts = connected(2);
        Transport a = ts.get(0);
        Transport b = ts.get(1);
        AtomicInteger seen = new AtomicInteger();
        b.start((from, request) -> {
            seen.incrementAndGet();
            return new CompletableFuture<>(); // never answers
        });
        a.start(failingHandler());

        CompletableFuture<byte[]> reply = a.send(b.localNode(), new byte[] {42}, shortTimeoutMillis());

        assertFailure(reply, TransportException.Kind.TIMEOUT);
        assertEquals(1, seen.get(), "the request did arrive");
    }

    @Test
    void sendToUnknownNodeFailsUnreachable() {
        Transport a = connected(1).get(0);
        a.start(failingHandler());

        CompletableFuture<byte[]> reply = a.send(unknownNode(), new byte[] {1}, LONG_TIMEOUT_MILLIS);

        assertFailure(reply, TransportException.Kind.UNREACHABLE);
    }

    @Test
    void failedHandlerSurfacesAsRemoteFailureWithItsMessage() {
        List<Transport> ts = connected(2);
        Transport a = ts.get(0);
        Transport b = ts.get(1);
        b.start((from, request) -> CompletableFuture.failedFuture(new IllegalStateException("disk on fire")));
        a.start(failingHandler());

        CompletableFuture<byte[]> reply = a.send(b.localNode(), new byte[] {1}, LONG_TIMEOUT_MILLIS);

        TransportException e = assertFailure(reply, TransportException.Kind.REMOTE_FAILURE);
        assertTrue(e.getMessage().contains("disk on fire"), "message names the remote cause: " + e.getMessage());
    }

    @Test
    void handlerThrowingSurfacesAsRemoteFailure() {
        List<Transport> ts = connected(2);
        Transport a = ts.get(0);
        Transport b = ts.get(1);
        b.start((from, request) -> {
            throw new IllegalArgumentException("bad request kind 9");
        });
        a.start(failingHandler());

        CompletableFuture<byte[]> reply = a.send(b.localNode(), new byte[] {9}, LONG_TIMEOUT_MILLIS);

        TransportException e = assertFailure(reply, TransportException.Kind.REMOTE_FAILURE);
        assertTrue(e.getMessage().contains("bad request kind 9"), e.getMessage());
        // the peer keeps serving after a failure
        CompletableFuture<byte[]> again = a.send(b.localNode(), new byte[] {9}, LONG_TIMEOUT_MILLIS);
        assertFailure(again, TransportException.Kind.REMOTE_FAILURE);
    }

    @Test
    void closeFailsPendingSendsAndLaterSends() {
        List<Transport> ts = connected(2);
        Transport a = ts.get(0);
        Transport b = ts.get(1);
        AtomicInteger seen = new AtomicInteger();
        b.start((from, request) -> {
            seen.incrementAndGet();
            return new CompletableFuture<>();
        });
        a.start(failingHandler());
        CompletableFuture<byte[]> pending = a.send(b.localNode(), new byte[] {1}, LONG_TIMEOUT_MILLIS);
        awaitUntil(() -> seen.get() == 1, "the request reaches the peer");

        a.close();

        assertFailure(pending, TransportException.Kind.CLOSED);
        assertFailure(a.send(b.localNode(), new byte[] {2}, LONG_TIMEOUT_MILLIS), TransportException.Kind.CLOSED);
        a.close(); // idempotent
    }

    @Test
    void sendToClosedPeerFails() {
        List<Transport> ts = connected(2);
        Transport a = ts.get(0);
        Transport b = ts.get(1);
        b.start((from, request) -> CompletableFuture.completedFuture(request));
        a.start(failingHandler());
        String peer = b.localNode();
        b.close();

        TransportException e = assertFailure(a.send(peer, new byte[] {1}, shortTimeoutMillis()), null);
        assertTrue(e.kind() == TransportException.Kind.UNREACHABLE || e.kind() == TransportException.Kind.TIMEOUT,
                "UNREACHABLE or TIMEOUT, not " + e.kind());
    }

    @Test
    void oneMebibyteRoundTrip() {
        List<Transport> ts = connected(2);
        Transport a = ts.get(0);
        Transport b = ts.get(1);
        b.start((from, request) -> {
            byte[] reversed = new byte[request.length];
            for (int i = 0; i < request.length; i++) {
                reversed[i] = request[request.length - 1 - i];
            }
            return CompletableFuture.completedFuture(reversed);
        });
        a.start(failingHandler());
        byte[] big = new byte[1 << 20];
        new Random(1).nextBytes(big);

        byte[] answer = await(a.send(b.localNode(), big, LONG_TIMEOUT_MILLIS));

        assertEquals(big.length, answer.length);
        for (int i = 0; i < big.length; i++) {
            if (answer[i] != big[big.length - 1 - i]) {
                fail("byte " + i + " differs");
            }
        }
    }

    @Test
    void senderAndReceiverNeverShareArrays() {
        List<Transport> ts = connected(2);
        Transport a = ts.get(0);
        Transport b = ts.get(1);
        List<byte[]> received = new CopyOnWriteArrayList<>();
        byte[] stored = {7, 7, 7};
        b.start((from, request) -> {
            received.add(request);
            return CompletableFuture.completedFuture(stored);
        });
        a.start(failingHandler());
        byte[] request = {1, 2, 3};

        CompletableFuture<byte[]> reply = a.send(b.localNode(), request, LONG_TIMEOUT_MILLIS);
        Arrays.fill(request, (byte) 0); // the caller reuses its buffer at once
        byte[] answer = await(reply);

        assertArrayEquals(new byte[] {1, 2, 3}, received.get(0), "the receiver sees what was sent");
        assertNotSame(stored, answer);
        answer[0] = 0;
        assertArrayEquals(new byte[] {7, 7, 7}, stored, "the answer is the sender's own copy");
    }

    @Test
    void emptyPayloadsRoundTrip() {
        List<Transport> ts = connected(2);
        ts.get(1).start((from, request) -> CompletableFuture.completedFuture(new byte[0]));
        ts.get(0).start(failingHandler());

        assertEquals(0, await(ts.get(0).send(ts.get(1).localNode(), new byte[0], LONG_TIMEOUT_MILLIS)).length);
    }

    @Test
    void inFlightCountsHandledRequestsUntilTheirAnswerIsSent() {
        List<Transport> ts = connected(2);
        Transport a = ts.get(0);
        Transport b = ts.get(1);
        assertEquals(0, b.inFlight(), "before start");
        List<CompletableFuture<byte[]>> held = new CopyOnWriteArrayList<>();
        b.start((from, request) -> {
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            held.add(answer);
            return answer;
        });
        a.start(failingHandler());
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            replies.add(a.send(b.localNode(), new byte[] {(byte) i}, LONG_TIMEOUT_MILLIS));
        }
        awaitUntil(() -> held.size() == 3, "three requests reach the handler");

        assertEquals(3, b.inFlight(), "every request whose handler was called and has not answered");
        assertEquals(0, a.inFlight(), "requests a node sends are not its in-flight requests");

        // requests may reach the handler in another order than sent: held.get(i) need not answer replies.get(i)
        held.get(0).complete(new byte[] {1});
        held.get(1).completeExceptionally(new IllegalStateException("refused"));
        awaitUntil(() -> replies.stream().filter(CompletableFuture::isDone).count() == 2, "two replies arrive");
        awaitUntil(() -> b.inFlight() == 1, "an answer and a failure, once sent, no longer count");

        held.get(2).complete(new byte[0]);
        awaitUntil(() -> replies.stream().allMatch(CompletableFuture::isDone), "the third reply arrives");
        awaitUntil(() -> b.inFlight() == 0, "nothing in flight once every request is answered");
        assertEquals(1, replies.stream().filter(CompletableFuture::isCompletedExceptionally).count(),
                "exactly the refused request failed");
    }

    @Test
    void boundAddressIsKnownFromStartAndKeptAfterClose() {
        Transport t = connected(1).get(0);
        assertEquals(Optional.empty(), t.boundAddress(), "before start");
        t.start(failingHandler());

        Optional<InetSocketAddress> bound = t.boundAddress();

        if (!listensOnSocket()) {
            assertEquals(Optional.empty(), bound, "a transport without a socket has no bound address");
            return;
        }
        assertTrue(bound.isPresent(), "a started transport names the address it listens on");
        int port = bound.get().getPort();
        assertTrue(port > 0 && port <= 65535, "the port actually bound, not the 0 asked for: " + port);
        assertEquals(bound, t.boundAddress(), "stable while running");
        t.close();
        assertEquals(bound, t.boundAddress(), "kept after close");
    }

    // ------------------------------------------------------------------ helpers

    /** Creates and remembers {@code n} transports, to close them after the test. */
    protected final List<Transport> connected(int n) {
        List<Transport> ts = createTransports(n);
        assertEquals(n, ts.size(), "createTransports(" + n + ")");
        created.addAll(ts);
        return ts;
    }

    /** Waits for {@code future} and returns its value, failing the test if it failed. */
    protected final <T> T await(CompletableFuture<T> future) {
        awaitUntil(future::isDone, "the future completes");
        try {
            return future.join();
        } catch (CompletionException e) {
            throw new AssertionError("expected an answer, got " + e.getCause(), e.getCause());
        }
    }

    /**
     * Waits for {@code future} to fail with a {@link TransportException} of {@code kind}
     * (any kind when null) and returns it.
     */
    protected final TransportException assertFailure(CompletableFuture<?> future, TransportException.Kind kind) {
        awaitUntil(future::isDone, "the future completes");
        try {
            Object value = future.join();
            throw new AssertionError("expected " + (kind == null ? "a failure" : kind) + ", got an answer: " + value);
        } catch (CompletionException e) {
            TransportException te = assertInstanceOf(TransportException.class, e.getCause());
            if (kind != null) {
                assertEquals(kind, te.kind(), "kind of: " + te.getMessage());
            }
            return te;
        }
    }

    /** A handler for nodes that should receive nothing in a test. */
    protected static MessageHandler failingHandler() {
        return (from, request) -> CompletableFuture.failedFuture(
                new AssertionError("unexpected request from " + from));
    }
}
