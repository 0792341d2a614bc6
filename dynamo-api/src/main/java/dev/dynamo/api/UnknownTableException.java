package dev.dynamo.api;

/** The table is not configured on the cluster. */
public class UnknownTableException extends DynamoException {
    private static final long serialVersionUID = 1L;
    private final String table;

    public UnknownTableException(String table) {
        super("table '" + table + "' is not configured");
        this.table = table;
    }

    public String table() {
        return table;
    }

    @Override
    public String code() {
        return "unknown_table";
    }
}
