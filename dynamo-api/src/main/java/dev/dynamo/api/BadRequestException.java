package dev.dynamo.api;

/** The request was malformed: a bad context, parameter, key or frame. */
public class BadRequestException extends DynamoException {
    private static final long serialVersionUID = 1L;

    public BadRequestException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "bad_request";
    }
}
