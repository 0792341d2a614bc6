package dev.dynamo.api;

/**
 * A request went over one of the store's limits ({@link ErrorCode#LIMIT_EXCEEDED}, or a
 * subclass's own code). It names the limit by its setting (for example
 * {@code http.max-key-bytes}), the value the request had and the most allowed, so a client
 * can tell a bug of its own from a node that is merely busy, and an operator knows which
 * setting to look at. docs/limits.md lists every limit.
 *
 * <pre>{@code
 * catch (LimitExceededException e) {
 *     log.warn("over {}: {} > {}", e.limit(), e.value(), e.max());
 * }
 * }</pre>
 */
public class LimitExceededException extends DynamoException {
    private static final long serialVersionUID = 1L;
    private final String limit;
    private final long value;
    private final long max;

    /**
     * @param limit the setting that holds the limit, e.g. {@code context.max-entries}
     * @param value what the request had (or would have made), or -1 when not known
     * @param max   the most the limit allows
     */
    public LimitExceededException(String message, String limit, long value, long max) {
        this(ErrorCode.LIMIT_EXCEEDED, message, limit, value, max);
    }

    /** For subclasses that report a limit under a code of their own. */
    protected LimitExceededException(ErrorCode code, String message, String limit, long value, long max) {
        super(code, message);
        this.limit = limit == null ? "" : limit;
        this.value = value;
        this.max = max;
    }

    /** The standard message: "{what} is {value}, over the limit of {max} ({limit})". */
    public static LimitExceededException of(String what, String limit, long value, long max) {
        return new LimitExceededException(what + " is " + value + ", over the limit of " + max + " (" + limit + ")",
                limit, value, max);
    }

    /** The setting that holds the limit; empty when a peer did not say. */
    public String limit() {
        return limit;
    }

    /** The request's value; -1 when not known. */
    public long value() {
        return value;
    }

    /** The most the limit allows. */
    public long max() {
        return max;
    }

    /** An expected outcome that a hostile client can cause at will: no stack trace to fill. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
