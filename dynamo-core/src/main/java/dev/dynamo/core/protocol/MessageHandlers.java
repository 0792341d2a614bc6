package dev.dynamo.core.protocol;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The table of what a node serves: one handler per request message type, registered once
 * when the node is wired, looked up by the decoded message's type.
 *
 * <pre>{@code
 * MessageHandlers handlers = new MessageHandlers()
 *         .register(Message.ReplicaRead.class, replicaService::read)
 *         .register(Message.RingRequest.class, (from, m) -> CompletableFuture.completedFuture(ring()));
 * CompletableFuture<? extends Message> answer = handlers.dispatch("n2", message); // null: not served here
 * }</pre>
 */
public final class MessageHandlers {

    /** Serves one message type; {@code from} is the sending node's id as the transport names it. */
    @FunctionalInterface
    public interface Handler<M extends Message> {
        CompletableFuture<? extends Message> handle(String from, M message);
    }

    private final Map<Class<?>, Handler<?>> byType = new HashMap<>();

    /** Registers the handler of {@code type}; a type has at most one. Not thread safe: register before serving. */
    public <M extends Message> MessageHandlers register(Class<M> type, Handler<? super M> handler) {
        if (byType.putIfAbsent(type, handler) != null) {
            throw new IllegalStateException("a handler of " + type.getSimpleName() + " is already registered");
        }
        return this;
    }

    /** The answer of the handler registered for the message's type, or null when none is. */
    @SuppressWarnings("unchecked")
    public CompletableFuture<? extends Message> dispatch(String from, Message message) {
        Handler<Message> handler = (Handler<Message>) byType.get(message.getClass());
        return handler == null ? null : handler.handle(from, message);
    }
}
