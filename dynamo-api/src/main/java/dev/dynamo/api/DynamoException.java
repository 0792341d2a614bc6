package dev.dynamo.api;

import java.util.Objects;

/**
 * Base of every error the store reports to a client. {@link #errorCode()} says which one;
 * {@link #code()} is its stable wire name (for example {@code insufficient_replicas}, as in
 * docs/http-api.md). The
 * store's own codes have a subclass each with their typed fields ({@link ErrorCode#exceptionType()});
 * a plain {@code DynamoException} is {@link ErrorCode#INTERNAL} unless it names another code
 * without fields of its own.
 *
 * <pre>{@code
 * throw new DynamoException("node n1 is shutting down");                  // internal
 * throw new DynamoException(ErrorCode.OVERLOADED, "too many requests queued");
 * catch (DynamoException e) { log.warn("{} failed: {} ({})", op, e.getMessage(), e.code()); }
 * }</pre>
 */
public class DynamoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;

    /** An {@link ErrorCode#INTERNAL} error. */
    public DynamoException(String message) {
        super(message);
        this.errorCode = checked(ErrorCode.INTERNAL);
    }

    /** An {@link ErrorCode#INTERNAL} error with its cause. */
    public DynamoException(String message, Throwable cause) {
        super(message, cause);
        this.errorCode = checked(ErrorCode.INTERNAL);
    }

    /**
     * An error of {@code code}.
     *
     * @throws IllegalArgumentException when {@code code} has an exception type of its own that
     *                                  this is not (an {@code unknown_table} must be an
     *                                  {@link UnknownTableException}, so that it carries the table)
     */
    public DynamoException(ErrorCode code, String message) {
        super(message);
        this.errorCode = checked(code);
    }

    /** An error of {@code code} with its cause; see {@link #DynamoException(ErrorCode, String)}. */
    public DynamoException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = checked(code);
    }

    private ErrorCode checked(ErrorCode code) {
        Objects.requireNonNull(code, "code");
        if (!code.exceptionType().isInstance(this)) {
            throw new IllegalArgumentException("error code " + code.wire() + " is reported as a "
                    + code.exceptionType().getSimpleName() + " (with its fields), not as a " + getClass().getSimpleName());
        }
        return code;
    }

    /** Which error this is. */
    public final ErrorCode errorCode() {
        return errorCode;
    }

    /** The stable wire name of {@link #errorCode()}, as in the HTTP API's error bodies. */
    public final String code() {
        return errorCode.wire();
    }
}
