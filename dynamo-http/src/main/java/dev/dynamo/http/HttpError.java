package dev.dynamo.http;

import dev.dynamo.api.DynamoException;
import dev.dynamo.api.ErrorCode;
import java.util.Map;

/**
 * An error of the HTTP layer itself (no route, wrong method, overload, shutdown), as opposed
 * to the store's typed exceptions; like them it becomes the JSON error reply of its
 * {@link ErrorCode}, with its HTTP status, plus the headers it names.
 *
 * <pre>{@code
 * throw new HttpError(ErrorCode.METHOD_NOT_ALLOWED, "POST is not allowed on /tables", Map.of("Allow", "GET"));
 * }</pre>
 */
final class HttpError extends DynamoException {
    private static final long serialVersionUID = 1L;

    private final transient Map<String, String> headers;

    HttpError(ErrorCode code, String message, Map<String, String> headers) {
        super(code, message);
        this.headers = Map.copyOf(headers);
    }

    HttpError(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    /** Headers the reply carries (for example {@code Allow}). */
    Map<String, String> headers() {
        return headers;
    }

    /** An expected outcome, answered often under load: no stack trace to fill. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
