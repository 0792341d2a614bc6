package dev.dynamo.api;

/** The value is larger than the table's {@code max-value-bytes}. */
public class ValueTooLargeException extends DynamoException {
    private static final long serialVersionUID = 1L;
    private final long size;
    private final long max;

    public ValueTooLargeException(String message, long size, long max) {
        super(message);
        this.size = size;
        this.max = max;
    }

    /** The standard message for a value of {@code size} bytes on {@code table}. */
    public static ValueTooLargeException of(String table, long size, long max) {
        return new ValueTooLargeException("value of " + size + " bytes is over table '" + table + "' limit of "
                + max + " bytes (max-value-bytes)", size, max);
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
