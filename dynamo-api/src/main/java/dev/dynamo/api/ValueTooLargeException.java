package dev.dynamo.api;

/** The value is larger than the table's {@code max-value-bytes}. */
public class ValueTooLargeException extends DynamoException {
    private static final long serialVersionUID = 1L;
    private final long size;
    private final long max;

    public ValueTooLargeException(String table, long size, long max) {
        super("value of " + size + " bytes is over table '" + table + "' limit of " + max + " bytes (max-value-bytes)");
        this.size = size;
        this.max = max;
    }

    public long size() {
        return size;
    }

    public long max() {
        return max;
    }

    @Override
    public String code() {
        return "value_too_large";
    }
}
