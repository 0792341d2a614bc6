package dev.dynamo.core.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dynamo.api.DynamoException;
import dev.dynamo.core.protocol.Errors;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.spi.MessageHandler;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.spi.TransportException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A transport for coordinator tests: records every request sent (decoded), and answers each
 * one as the test scripted it per (node, message type): with a message, with the peer's typed
 * error, with a {@link TransportException} (unreachable, timed out), or not yet (held, answered
 * later by the test, so the test decides the order of answers). A request nothing was scripted
 * for fails with UNREACHABLE, as a send to an unknown node does, and is recorded all the same.
 *
 * <p>Answers complete on the caller's thread, so a test runs one thread on virtual time.
 *
 * <pre>{@code
 * ScriptedTransport net = new ScriptedTransport("n1");
 * net.on("n2", Message.ReplicaRead.class).reply(new Message.ReplicaReadResult(set));
 * net.on("n3", Message.ReplicaRead.class).unreachable();
 * net.on("n4", Message.ReplicaRead.class).hold();
 * ...
 * net.held("n4").reply(new Message.ReplicaReadResult(SiblingSet.EMPTY));
 * }</pre>
 */
final class ScriptedTransport implements Transport {

    /** One request the node under test sent. */
    record Sent(String node, Message message, long timeoutMillis) {
    }

    /** A request the script holds back until the test answers it. */
    final class Held {
        private final Sent request;
        private final CompletableFuture<byte[]> future;

        private Held(Sent request, CompletableFuture<byte[]> future) {
            this.request = request;
            this.future = future;
        }

        void reply(Message answer) {
            held.remove(this);
            future.complete(MessageCodec.encode(answer));
        }

        void fail(TransportException error) {
            held.remove(this);
            future.completeExceptionally(error);
        }
    }

    /** How one (node, message type) is answered. */
    final class Rule<M extends Message> {
        private final String node;
        private final Class<M> type;

        private Rule(String node, Class<M> type) {
            this.node = node;
            this.type = type;
        }

        /** Answers with {@code answer}. */
        ScriptedTransport reply(Message answer) {
            return answer(m -> CompletableFuture.completedFuture(MessageCodec.encode(answer)));
        }

        /** The peer answers with this typed error (it was reached, it failed the request). */
        ScriptedTransport error(DynamoException error) {
            return reply(Errors.toMessage(error));
        }

        /** The peer cannot be reached. */
        ScriptedTransport unreachable() {
            return answer(m -> CompletableFuture.failedFuture(
                    new TransportException(TransportException.Kind.UNREACHABLE, node + " is unreachable")));
        }

        /** The peer did not answer within the request's timeout (reported at once). */
        ScriptedTransport timeout() {
            return answer(m -> CompletableFuture.failedFuture(
                    new TransportException(TransportException.Kind.TIMEOUT, node + " did not answer in time")));
        }

        /** No answer until the test gives one through {@link #held}. */
        ScriptedTransport hold() {
            rules.put(key(node, type), HOLD);
            return ScriptedTransport.this;
        }

        private ScriptedTransport answer(Function<Message, CompletableFuture<byte[]>> answer) {
            rules.put(key(node, type), answer);
            return ScriptedTransport.this;
        }
    }

    private static final Function<Message, CompletableFuture<byte[]>> HOLD = m -> null;

    private final String localNode;
    private final Map<String, Function<Message, CompletableFuture<byte[]>>> rules = new HashMap<>();
    private final List<Sent> sent = new ArrayList<>();
    private final List<Held> held = new ArrayList<>();

    ScriptedTransport(String localNode) {
        this.localNode = localNode;
    }

    /** Scripts how {@code node} answers requests of {@code type} (a later script replaces an earlier one). */
    <M extends Message> Rule<M> on(String node, Class<M> type) {
        return new Rule<>(node, type);
    }

    @Override
    public String localNode() {
        return localNode;
    }

    @Override
    public void start(MessageHandler handler) {
    }

    @Override
    public CompletableFuture<byte[]> send(String node, byte[] request, long timeoutMillis) {
        Message m = MessageCodec.decode(request);
        Sent s = new Sent(node, m, timeoutMillis);
        sent.add(s);
        Function<Message, CompletableFuture<byte[]>> rule = rules.get(key(node, m.getClass()));
        if (rule == null) {
            return CompletableFuture.failedFuture(new TransportException(TransportException.Kind.UNREACHABLE,
                    "nothing scripted for " + m.getClass().getSimpleName() + " to " + node));
        }
        if (rule == HOLD) {
            CompletableFuture<byte[]> f = new CompletableFuture<>();
            held.add(new Held(s, f));
            return f;
        }
        return rule.apply(m);
    }

    @Override
    public int inFlight() {
        return 0; // the node under test only sends through it
    }

    @Override
    public void close() {
    }

    /** Every request sent so far, in order. */
    List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** The requests of one type sent so far, in order. */
    <M extends Message> List<M> sent(Class<M> type) {
        return sent.stream().map(Sent::message).filter(type::isInstance).map(type::cast).toList();
    }

    /** The requests of one type sent to {@code node} so far, in order. */
    <M extends Message> List<M> sent(String node, Class<M> type) {
        return sent.stream().filter(s -> s.node().equals(node)).map(Sent::message).filter(type::isInstance)
                .map(type::cast).toList();
    }

    /** The nodes requests of one type went to, in order. */
    List<String> nodesSent(Class<? extends Message> type) {
        return sent.stream().filter(s -> type.isInstance(s.message())).map(Sent::node).toList();
    }

    /** The one request held for {@code node}; fails the test unless there is exactly one. */
    Held held(String node) {
        List<Held> mine = held.stream().filter(h -> h.request.node().equals(node)).toList();
        assertEquals(1, mine.size(), "requests held for " + node);
        return mine.get(0);
    }

    /** How many requests are waiting for an answer from the test. */
    int heldCount() {
        return held.size();
    }

    private static String key(String node, Class<?> type) {
        return node + "/" + type.getName();
    }
}
