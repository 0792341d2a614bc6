package dev.dynamo.core.transport.local;

import dev.dynamo.core.spi.MessageHandler;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.spi.TransportException;
import dev.dynamo.core.time.Cancellable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One node's end of a {@link LocalNetwork}: a {@link Transport} whose messages travel
 * through the network's scheduler, with the network's latency and faults.
 *
 * <p>Thread-safe. {@link #send} copies the request, so the caller may reuse its array;
 * the handler is called on the network's scheduler (the test thread under a
 * {@link dev.dynamo.core.time.VirtualScheduler}) with its own copy. Failures:
 * <ul>
 *   <li>unknown, crashed or not started peer: {@link TransportException.Kind#UNREACHABLE}
 *       after one link latency (a refused connection);</li>
 *   <li>this node crashed: {@code UNREACHABLE}, without sending anything;</li>
 *   <li>request or response lost (drop, partition, peer crashed while it was in flight):
 *       {@link TransportException.Kind#TIMEOUT} after the send's timeout;</li>
 *   <li>the peer's handler failed: {@link TransportException.Kind#REMOTE_FAILURE} with the
 *       peer's message;</li>
 *   <li>{@link #close} fails pending and later sends with {@link TransportException.Kind#CLOSED}.</li>
 * </ul>
 *
 * <pre>{@code
 * LocalNetwork network = new LocalNetwork(scheduler, 42);
 * LocalTransport a = network.transport("a");
 * LocalTransport b = network.transport("b");
 * b.start((from, request) -> CompletableFuture.completedFuture(request));   // echo
 * a.start((from, request) -> CompletableFuture.failedFuture(new IllegalStateException("no")));
 * CompletableFuture<byte[]> reply = a.send("b", "ping".getBytes(UTF_8), 500);
 * scheduler.runFor(10);
 * }</pre>
 */
public final class LocalTransport implements Transport {

    /** A send waiting for its answer. */
    private static final class Pending {
        final String to;
        final long timeoutMillis;
        final CompletableFuture<byte[]> future = new CompletableFuture<>();
        volatile Cancellable timer;

        Pending(String to, long timeoutMillis) {
            this.to = to;
            this.timeoutMillis = timeoutMillis;
        }
    }

    private final LocalNetwork network;
    private final String nodeId;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicReference<MessageHandler> handler = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger handling = new AtomicInteger();

    LocalTransport(LocalNetwork network, String nodeId) {
        this.network = network;
        this.nodeId = nodeId;
    }

    @Override
    public String localNode() {
        return nodeId;
    }

    /** The network this transport is attached to. */
    public LocalNetwork network() {
        return network;
    }

    /** Number of sends waiting for an answer. */
    public int pendingSends() {
        return pending.size();
    }

    /** Requests its handler was called with and whose answer has not yet left for the sender. */
    @Override
    public int inFlight() {
        return handling.get();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException when already started or closed
     */
    @Override
    public void start(MessageHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (closed.get()) {
            throw new IllegalStateException("transport of node '" + nodeId + "' is closed; create a new one");
        }
        if (!this.handler.compareAndSet(null, handler)) {
            throw new IllegalStateException("transport of node '" + nodeId + "' is already started");
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when {@code timeoutMillis <= 0}
     */
    @Override
    public CompletableFuture<byte[]> send(String node, byte[] request, long timeoutMillis) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(request, "request");
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("timeoutMillis must be > 0: " + timeoutMillis);
        }
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedException());
        }
        long id = network.newMessageId();
        Pending p = new Pending(node, timeoutMillis);
        pending.put(id, p);
        p.timer = network.scheduler().schedule(() -> expire(id), timeoutMillis);
        if (closed.get()) {
            // close() ran between the check above and the put: it may have missed this send
            fail(id, closedException());
            return p.future;
        }
        network.sendRequest(this, id, node, request.clone());
        return p.future;
    }

    /** Idempotent: fails pending sends with CLOSED and leaves the network. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        network.leave(this);
        failAll(closedException());
    }

    /** True once {@link #close} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "LocalTransport[" + nodeId + (closed.get() ? ", closed" : "") + "]";
    }

    MessageHandler handler() {
        return handler.get();
    }

    boolean isStarted() {
        return handler.get() != null;
    }

    /** The network is about to call the handler with a request. */
    void handlingStarted() {
        handling.incrementAndGet();
    }

    /** The handler's answer to a request has been handed to the network (or dropped with this node). */
    void handlingEnded() {
        handling.decrementAndGet();
    }

    /** Completes a pending send with its answer; false when nobody waits for it any more. */
    boolean complete(long id, byte[] payload, String error, String from) {
        Pending p = pending.remove(id);
        if (p == null) {
            return false;
        }
        cancelTimer(p);
        if (error != null) {
            p.future.completeExceptionally(new TransportException(TransportException.Kind.REMOTE_FAILURE,
                    "node '" + from + "' failed the request: " + error));
        } else {
            p.future.complete(payload);
        }
        return true;
    }

    /** Fails one pending send; no-op when it already completed. */
    void fail(long id, TransportException failure) {
        Pending p = pending.remove(id);
        if (p != null) {
            cancelTimer(p);
            p.future.completeExceptionally(failure);
        }
    }

    /** Fails every pending send (close, crash). */
    void failAll(TransportException failure) {
        List<Long> ids = List.copyOf(pending.keySet());
        for (Long id : ids) {
            fail(id, failure);
        }
    }

    private void expire(long id) {
        Pending p = pending.remove(id);
        if (p != null) {
            p.future.completeExceptionally(new TransportException(TransportException.Kind.TIMEOUT,
                    "no reply from node '" + p.to + "' to node '" + nodeId + "' within "
                            + p.timeoutMillis + " ms (request #" + id + ")"));
        }
    }

    private static void cancelTimer(Pending p) {
        Cancellable timer = p.timer;
        if (timer != null) {
            timer.cancel();
        }
    }

    private TransportException closedException() {
        return new TransportException(TransportException.Kind.CLOSED,
                "transport of node '" + nodeId + "' is closed");
    }
}
