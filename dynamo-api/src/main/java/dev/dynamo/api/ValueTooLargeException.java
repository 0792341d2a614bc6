package dev.dynamo.api;

/**
 * The value is larger than the table's {@code max-value-bytes}, or the request body larger
 * than the HTTP server accepts at all ({@link ErrorCode#VALUE_TOO_LARGE}).
 *
 * <pre>{@code
 * catch (ValueTooLargeException e) {
 *     log.warn("{} bytes, table {} takes at most {}", e.size(), e.table(), e.max());
 * }
 * }</pre>
 */
public class ValueTooLargeException extends DynamoException {
    private static final long serialVersionUID = 1L;
    private final String table;
    private final long size;
    private final long max;

    /**
     * @param table the table whose limit it is, or null when the limit is the server's own
     * @param size  the value's size in bytes, or -1 when not known (a body cut off unread)
     * @param max   the limit in bytes
     */
    public ValueTooLargeException(String message, String table, long size, long max) {
        super(ErrorCode.VALUE_TOO_LARGE, message);
        this.table = table;
        this.size = size;
        this.max = max;
    }

    /** Over a limit that is not a table's (the HTTP server's body limit): {@link #table()} is null. */
    public ValueTooLargeException(String message, long size, long max) {
        this(message, null, size, max);
    }

    /** The standard message for a value of {@code size} bytes on {@code table}. */
    public static ValueTooLargeException of(String table, long size, long max) {
        return new ValueTooLargeException("value of " + size + " bytes is over table '" + table + "' limit of "
                + max + " bytes (max-value-bytes)", table, size, max);
    }

    /** The table whose {@code max-value-bytes} the value is over; null when the limit is the server's. */
    public String table() {
        return table;
    }

    /** The value's size in bytes; -1 when not known. */
    public long size() {
        return size;
    }

    /** The limit in bytes. */
    public long max() {
        return max;
    }
}
