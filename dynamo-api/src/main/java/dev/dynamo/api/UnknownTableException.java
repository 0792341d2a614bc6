package dev.dynamo.api;

/**
 * The table is not configured on the cluster ({@link ErrorCode#UNKNOWN_TABLE}).
 *
 * <pre>{@code
 * catch (UnknownTableException e) {
 *     log.warn("no table {}; check the table files", e.table());
 * }
 * }</pre>
 */
public class UnknownTableException extends DynamoException {
    private static final long serialVersionUID = 1L;
    private final String table;

    /** The standard message for {@code table}. */
    public UnknownTableException(String table) {
        this(table, "table '" + table + "' is not configured");
    }

    /**
     * With a message of its own, as relayed from the node that found the table missing.
     *
     * @param table the name asked for; null only when relayed from a node too old to send it
     */
    public UnknownTableException(String table, String message) {
        super(ErrorCode.UNKNOWN_TABLE, message);
        this.table = table;
    }

    /** The table name the request asked for (null only when relayed from a node too old to send it). */
    public String table() {
        return table;
    }
}
