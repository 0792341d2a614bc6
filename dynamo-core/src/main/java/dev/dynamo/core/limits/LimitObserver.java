package dev.dynamo.core.limits;

/**
 * Told each time a limit refuses something (a request, a connection, a frame, a gossip
 * entry), so that every limit has a counter: the server binds it to
 * {@code dynamo_limit_refusals_total{limit}}. {@code limit} is the limit's setting name, a
 * constant of the code (never text from the wire, so the series stay bounded). Called on
 * I/O and request threads: must be cheap and must not throw.
 *
 * <pre>{@code
 * LimitObserver limits = context.extensions().get(LimitObserver.class).orElse(LimitObserver.NONE);
 * if (connections.get() >= maxConnections) {
 *     limits.refused("transport.netty.max-connections");
 *     channel.close();
 * }
 * }</pre>
 */
@FunctionalInterface
public interface LimitObserver {
    /** Counts nothing: for tests and tools. */
    LimitObserver NONE = limit -> { };

    /** Limit {@code limit} (its setting's name) refused one thing. */
    void refused(String limit);
}
