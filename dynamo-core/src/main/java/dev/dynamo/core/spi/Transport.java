package dev.dynamo.core.spi;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Asynchronous request/response between nodes. Messages are opaque bytes encoded by the
 * core, so a transport never needs to know message types.
 *
 * <p>Caller may assume: {@link #send} never blocks; its future completes exactly once,
 * with the peer's answer, or exceptionally with {@link TransportException} when the peer
 * is unknown or unreachable, the message was dropped and the timeout passed, or the
 * peer's handler failed. Requests to one peer may be answered out of order. The transport
 * calls the handler on its own threads; it owns nothing else and is closed by its creator.
 *
 * <p>A server needs nothing beyond this interface: {@link #boundAddress()} tells it the port
 * chosen when it asked for any free one, and {@link #inFlight()} how long a graceful
 * shutdown still has to wait before {@link #close()}.
 *
 * <pre>{@code
 * Transport t = Plugins.transport("netty").create(context);   // context: bind = 127.0.0.1:0
 * t.start(handler);
 * int port = t.boundAddress().orElseThrow().getPort();       // the port picked at bind
 * t.send("node-2", requestBytes, 500).thenAccept(reply -> ...);
 * // a graceful stop: stop taking requests, then close once inFlight() is 0 or a grace has passed
 * if (t.inFlight() == 0) {
 *     t.close();
 * }
 * }</pre>
 */
public interface Transport extends AutoCloseable {

    /** This node's id. */
    String localNode();

    /** Starts delivering incoming requests to {@code handler}. */
    void start(MessageHandler handler);

    /** Sends a request to {@code node}, failing after {@code timeoutMillis} without a reply. */
    CompletableFuture<byte[]> send(String node, byte[] request, long timeoutMillis);

    /**
     * The socket address this transport listens on, with the port actually bound (the one
     * picked when the configuration asked for port 0).
     *
     * <p>Caller may assume: empty before {@link #start}; once started, the same value until
     * and after {@link #close()}; empty throughout for a transport that listens on no socket
     * (an in-memory one), which is what this default says. A transport that binds a socket
     * must override it.
     */
    default Optional<InetSocketAddress> boundAddress() {
        return Optional.empty();
    }

    /**
     * Incoming requests handed to the handler whose answer has not yet gone out: what a
     * graceful shutdown waits for before {@link #close()}, since closing drops them.
     *
     * <p>Caller may assume: 0 before {@link #start}; never negative; a request counts from
     * the moment its handler is called until its answer or failure has been sent back (or
     * the way back is gone: a closed connection, a crashed node). Requests this node sends
     * are not counted. A snapshot: it may change as soon as it is read.
     */
    int inFlight();

    /**
     * Open connections to this node's server, from clients and peers alike: a gauge of
     * {@code /metrics}. Caller may assume: never negative, a snapshot; 0 for a transport
     * without connections (an in-memory one), which is what this default says.
     */
    default int connections() {
        return 0;
    }

    /**
     * Incoming requests waiting for a handler thread (counted in {@link #inFlight()} too): a
     * gauge of {@code /metrics}. Caller may assume: never negative, a snapshot; 0 for a
     * transport that runs handlers without a queue, which is what this default says.
     */
    default int queued() {
        return 0;
    }

    /** Stops sending and receiving; pending sends fail. Idempotent. */
    @Override
    void close();
}
