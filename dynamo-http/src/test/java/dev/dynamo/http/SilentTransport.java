package dev.dynamo.http;

import dev.dynamo.core.spi.MessageHandler;
import dev.dynamo.core.spi.Transport;
import java.util.concurrent.CompletableFuture;

/**
 * A node's transport that still receives but whose sends are never answered and never
 * fail, not even at their timeout: what a peer that accepts a request and hangs looks like
 * to a coordinator, which then has only its own deadline.
 */
final class SilentTransport implements Transport {
    private final Transport receiving;

    SilentTransport(Transport receiving) {
        this.receiving = receiving;
    }

    @Override
    public String localNode() {
        return receiving.localNode();
    }

    @Override
    public void start(MessageHandler handler) {
        receiving.start(handler);
    }

    @Override
    public CompletableFuture<byte[]> send(String node, byte[] request, long timeoutMillis) {
        return new CompletableFuture<>();
    }

    @Override
    public int inFlight() {
        return receiving.inFlight();
    }

    @Override
    public void close() {
        receiving.close();
    }
}
