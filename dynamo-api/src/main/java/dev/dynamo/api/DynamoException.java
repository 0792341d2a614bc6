package dev.dynamo.api;

/**
 * Base of every error the store reports to a client. {@link #code()} is the stable error
 * code of docs/http-api.md (for example {@code insufficient_replicas}).
 */
public class DynamoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DynamoException(String message) {
        super(message);
    }

    public DynamoException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The error code of docs/http-api.md; {@code internal} for errors without a more specific one. */
    public String code() {
        return "internal";
    }
}
