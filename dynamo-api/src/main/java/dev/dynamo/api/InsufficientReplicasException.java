package dev.dynamo.api;

/**
 * Fewer than R (get) or W (put, delete) replicas answered ({@link ErrorCode#INSUFFICIENT_REPLICAS}).
 * Nothing acknowledged was lost.
 *
 * <pre>{@code
 * catch (InsufficientReplicasException e) {
 *     log.warn("{} of {} replicas answered", e.acknowledged(), e.required());
 * }
 * }</pre>
 */
public class InsufficientReplicasException extends DynamoException {
    private static final long serialVersionUID = 1L;
    private final int required;
    private final int acknowledged;

    public InsufficientReplicasException(String message, int required, int acknowledged) {
        super(ErrorCode.INSUFFICIENT_REPLICAS, message);
        this.required = required;
        this.acknowledged = acknowledged;
    }

    /** The standard message for {@code operation} ("get", "put" or "delete"). */
    public static InsufficientReplicasException of(String operation, int required, int acknowledged) {
        return new InsufficientReplicasException(operation + " needed " + required
                + " replica acknowledgements but got " + acknowledged + "; retry, or lower "
                + ("get".equals(operation) ? "r" : "w") + " for this request", required, acknowledged);
    }

    /** Acknowledgements the request needed: its R or W. */
    public int required() {
        return required;
    }

    /** Acknowledgements it got (0 when no replica could be reached). */
    public int acknowledged() {
        return acknowledged;
    }
}
