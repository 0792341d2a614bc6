package dev.dynamo.core.spi;

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
 * <pre>{@code
 * Transport t = Plugins.transport("local").create(context);
 * t.start(handler);
 * t.send("node-2", requestBytes, 500).thenAccept(reply -> ...);
 * }</pre>
 */
public interface Transport extends AutoCloseable {

    /** This node's id. */
    String localNode();

    /** Starts delivering incoming requests to {@code handler}. */
    void start(MessageHandler handler);

    /** Sends a request to {@code node}, failing after {@code timeoutMillis} without a reply. */
    CompletableFuture<byte[]> send(String node, byte[] request, long timeoutMillis);

    /** Stops sending and receiving; pending sends fail. Idempotent. */
    @Override
    void close();
}
