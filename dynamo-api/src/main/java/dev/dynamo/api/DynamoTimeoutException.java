package dev.dynamo.api;

/** The coordinator's deadline passed before the request completed. */
public class DynamoTimeoutException extends DynamoException {
    private static final long serialVersionUID = 1L;

    public DynamoTimeoutException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "timeout";
    }
}
