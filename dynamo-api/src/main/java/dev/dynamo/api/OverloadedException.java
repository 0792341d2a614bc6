package dev.dynamo.api;

/**
 * The node is at one of its capacity limits (requests in flight, connections, queued work)
 * and refused the request before doing any of it ({@link ErrorCode#OVERLOADED}). Nothing was
 * written; retry later, with backoff, or on another node.
 *
 * <pre>{@code
 * catch (OverloadedException e) {
 *     backoff.sleep();   // e.limit() says which limit, e.g. "http.max-in-flight"
 * }
 * }</pre>
 */
public class OverloadedException extends LimitExceededException {
    private static final long serialVersionUID = 1L;

    /**
     * @param limit the setting of the capacity limit, e.g. {@code http.max-in-flight}
     * @param value what the node had when it refused, or -1 when not known
     * @param max   the limit
     */
    public OverloadedException(String message, String limit, long value, long max) {
        super(ErrorCode.OVERLOADED, message, limit, value, max);
    }

    /** The standard message for node {@code node} at limit {@code limit}. */
    public static OverloadedException of(String node, String limit, long value, long max) {
        return new OverloadedException("node " + node + " is overloaded: " + value + " of at most " + max + " ("
                + limit + "); retry later or on another node", limit, value, max);
    }
}
