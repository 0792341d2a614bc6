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
    private final String table;

    /**
     * @param table    the key's table
     * @param siblings how many siblings the write would have left
     * @param max      the table's {@code max-siblings}
     */
    public TooManySiblingsException(String message, String table, long siblings, long max) {
        super(ErrorCode.TOO_MANY_SIBLINGS, message, "max-siblings", siblings, max);
        this.table = table;
    }

    /** The standard message. */
    public static TooManySiblingsException of(String table, long siblings, long max) {
        return new TooManySiblingsException("write refused: the key would have " + siblings
                + " siblings, over table '" + table + "' limit of " + max + " (max-siblings); read the key, merge"
                + " its siblings and write the result back with the context the read returned", table, siblings, max);
    }

    /** The key's table; null when a peer did not say. */
    public String table() {
        return table;
    }
}
