package dev.dynamo.http;

import java.util.Map;

/**
 * An error of the HTTP layer itself (no route, wrong method, overload, shutdown), as opposed
 * to the store's typed {@link dev.dynamo.api.DynamoException}s; becomes a JSON error reply.
 *
 * <pre>{@code
 * throw new HttpError(405, "method_not_allowed", "POST is not allowed on /tables", Map.of("Allow", "GET"));
 * }</pre>
 */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient Map<String, String> headers;

    HttpError(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false); // an expected outcome: no stack trace to fill
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    HttpError(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    /** Headers the reply carries (for example {@code Allow}). */
    Map<String, String> headers() {
        return headers;
    }
}
