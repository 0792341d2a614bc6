package dev.dynamo.api;

/** Fewer than R (get) or W (put, delete) replicas answered. Nothing acknowledged was lost. */
public class InsufficientReplicasException extends DynamoException {
    private static final long serialVersionUID = 1L;
    private final int required;
    private final int acknowledged;

    public InsufficientReplicasException(String message, int required, int acknowledged) {
        super(message);
        this.required = required;
        this.acknowledged = acknowledged;
    }

    /** The standard message for {@code operation} ("get", "put" or "delete"). */
    public static InsufficientReplicasException of(String operation, int required, int acknowledged) {
        return new InsufficientReplicasException(operation + " needed " + required
                + " replica acknowledgements but got " + acknowledged + "; retry, or lower "
                + ("get".equals(operation) ? "r" : "w") + " for this request", required, acknowledged);
    }

    public int required() {
        return required;
    }

    public int acknowledged() {
        return acknowledged;
    }

    @Override
    public String code() {
        return "insufficient_replicas";
    }
}
