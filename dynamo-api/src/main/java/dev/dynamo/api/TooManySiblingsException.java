package dev.dynamo.api;

/**
 * A write would give a key more concurrent versions (siblings) than its table allows
 * ({@link ErrorCode#TOO_MANY_SIBLINGS}): blind writes, or writes from readers that never
 * write back what they read, keep adding siblings. The key is not lost and stays writable:
 * read it, merge the siblings, and write the merged value back with the context the read
 * returned; that write replaces the siblings it saw. A delete with that context works too.
 *
 * <pre>{@code
 * try {
 *     client.put("carts", key, Context.EMPTY, value);
 * } catch (TooManySiblingsException e) {
 *     GetResult all = client.get("carts", key);
 *     client.put("carts", key, all.context(), merge(all.values()));   // the way out
 * }
 * }</pre>
 */
public class TooManySiblingsException extends LimitExceededException {
    private static final long serialVersionUID = 1L;
    /** The table setting that caps the number of siblings. */
    public static final String MAX_SIBLINGS = "max-siblings";
    private final String table;

    /**
     * @param table    the key's table
     * @param siblings how many siblings the write would have left
     * @param max      the table's {@code max-siblings}
     */
    public TooManySiblingsException(String message, String table, long siblings, long max) {
        this(message, table, MAX_SIBLINGS, siblings, max);
    }

    /**
     * @param table the key's table
     * @param limit the limit the write went over: {@code max-siblings}, or the transport's message
     *              size setting (e.g. {@code transport.netty.max-frame-bytes}) when the key's
     *              versions would grow too large to be read in one message
     * @param value what the write would have made (siblings, or bytes)
     * @param max   the most the limit allows
     */
    public TooManySiblingsException(String message, String table, String limit, long value, long max) {
        super(ErrorCode.TOO_MANY_SIBLINGS, message, limit == null || limit.isEmpty() ? MAX_SIBLINGS : limit, value,
                max);
        this.table = table;
    }

    /** The standard message. */
    public static TooManySiblingsException of(String table, long siblings, long max) {
        return new TooManySiblingsException("write refused: the key would have " + siblings
                + " siblings, over table '" + table + "' limit of " + max + " (max-siblings); read the key, merge"
                + " its siblings and write the result back with the context the read returned", table, siblings, max);
    }

    /**
     * A write that would make the key's versions ({@code bytes} with the key and the message's
     * envelope) larger than one message of the transport can carry ({@code maxBytes}, set by
     * {@code setting} = {@code settingValue}): no replica could then answer a read of the key.
     */
    public static TooManySiblingsException ofBytes(String table, long bytes, long maxBytes, String setting,
                                                   long settingValue) {
        return new TooManySiblingsException("write refused: the key's siblings would take " + bytes
                + " bytes, over the " + maxBytes + " bytes one message can carry (" + setting + " = " + settingValue
                + "), so the key could no longer be read; read the key, merge its siblings and write the result"
                + " back with the context the read returned", table, setting, bytes, maxBytes);
    }

    /** The key's table; null when a peer did not say. */
    public String table() {
        return table;
    }
}
