package dev.dynamo.api;

/** The request was malformed: a bad context, parameter, key or frame ({@link ErrorCode#BAD_REQUEST}). */
public class BadRequestException extends DynamoException {
    private static final long serialVersionUID = 1L;

    public BadRequestException(String message) {
        super(ErrorCode.BAD_REQUEST, message);
    }
}
