package dev.dynamo.core.spi;

import java.util.concurrent.CompletableFuture;

/** Serves requests that arrive over a {@link Transport}. Must not block. */
@FunctionalInterface
public interface MessageHandler {
    /**
     * Answers one request from node {@code from}. Completing exceptionally sends the peer
     * a failure, which its {@link Transport#send} future surfaces.
     */
    CompletableFuture<byte[]> handle(String from, byte[] request);
}
