package dev.dynamo.api;

/** The coordinator's deadline passed before the request completed ({@link ErrorCode#TIMEOUT}). */
public class DynamoTimeoutException extends DynamoException {
    private static final long serialVersionUID = 1L;

    public DynamoTimeoutException(String message) {
        super(ErrorCode.TIMEOUT, message);
    }
}
