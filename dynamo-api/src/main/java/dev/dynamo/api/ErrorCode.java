package dev.dynamo.api;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every error code of the store, each declared once with its wire name and the HTTP status
 * the HTTP API answers it with (the table of docs/http-api.md, "Errors"). The wire name is what {@link DynamoException#code()}
 * returns, what the binary protocol's error message carries and what an HTTP error body's
 * {@code "error"} field says; it never changes once released.
 *
 * <p>The codes of the store (bad_request, unknown_table, limit_exceeded, obsolete_version,
 * too_many_siblings, value_too_large, insufficient_replicas, overloaded, timeout, internal)
 * cross the binary protocol, each as its own exception type ({@link #exceptionType()}) with
 * its typed fields; forbidden crosses it too, as a plain {@link DynamoException} of that code. The others belong to the HTTP API alone (no route, wrong method, key not
 * found, shutdown, a refused membership change, missing credentials) and are plain {@link DynamoException}s where
 * Java sees them.
 *
 * <pre>{@code
 * try {
 *     client.put("users", key, context, value);
 * } catch (DynamoException e) {
 *     if (e.errorCode() == ErrorCode.INSUFFICIENT_REPLICAS) {
 *         retryLater();
 *     }
 *     int status = e.errorCode().httpStatus();          // 503, as the HTTP API would answer
 * }
 * ErrorCode.fromWire("timeout");                         // Optional[TIMEOUT]
 * ErrorCode.fromWire("from_a_newer_node");               // Optional.empty(): treat it as INTERNAL
 * }</pre>
 */
public enum ErrorCode {
    /** A malformed request: path, percent-encoding, key, context, query parameter, frame or HTTP syntax. */
    BAD_REQUEST("bad_request", 400, BadRequestException.class),
    /**
     * The caller is authenticated but not allowed this request: on the HTTP API, the user holds no
     * role that allows it; on the binary port, a connection with a client certificate
     * ({@code OU=client}) sent a node-to-node message (docs/security.md).
     */
    FORBIDDEN("forbidden", 403, DynamoException.class),
    /** The table is not configured on the cluster. */
    UNKNOWN_TABLE("unknown_table", 404, UnknownTableException.class),
    /** HTTP API only: the key is absent or deleted (the Java API answers {@code GetResult.notFound}). */
    NOT_FOUND("not_found", 404, DynamoException.class),
    /** HTTP API only: no route has this path. */
    NO_ROUTE("no_route", 404, DynamoException.class),
    /**
     * HTTP API only: the node asks for HTTP Basic credentials and the request had none, or an
     * unknown user or wrong password (the reply carries {@code WWW-Authenticate}).
     */
    UNAUTHENTICATED("unauthenticated", 401, DynamoException.class),
    /** HTTP API only: the route does not take this method (the reply's {@code Allow} lists those it does). */
    METHOD_NOT_ALLOWED("method_not_allowed", 405, DynamoException.class),
    /** A request input is over one of the store's limits; the error names the limit, the value and the most allowed. */
    LIMIT_EXCEEDED("limit_exceeded", 400, LimitExceededException.class),
    /** A write carried a version that a stored version already supersedes. */
    OBSOLETE_VERSION("obsolete_version", 409, ObsoleteVersionException.class),
    /** A write would leave the key more siblings than its table's {@code max-siblings}; merge them and write back. */
    TOO_MANY_SIBLINGS("too_many_siblings", 409, TooManySiblingsException.class),
    /** HTTP API only: a join, leave or remove was refused (the message says why). */
    MEMBERSHIP_REFUSED("membership_refused", 409, DynamoException.class),
    /** The value is over the table's {@code max-value-bytes} (or the request body over the server's limit). */
    VALUE_TOO_LARGE("value_too_large", 413, ValueTooLargeException.class),
    /** A bug or a failing engine; also any code this version does not know. */
    INTERNAL("internal", 500, DynamoException.class),
    /** Fewer than R (get) or W (put, delete) replicas answered. */
    INSUFFICIENT_REPLICAS("insufficient_replicas", 503, InsufficientReplicasException.class),
    /** The node is at a capacity limit (requests in flight, connections); retry later or elsewhere. */
    OVERLOADED("overloaded", 503, OverloadedException.class),
    /** HTTP API only: the node is stopping; retry on another node. */
    SHUTTING_DOWN("shutting_down", 503, DynamoException.class),
    /** The coordinator's deadline passed before the request completed. */
    TIMEOUT("timeout", 504, DynamoTimeoutException.class);

    private static final Map<String, ErrorCode> BY_WIRE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ErrorCode::wire, Function.identity()));

    private final String wire;
    private final int httpStatus;
    private final Class<? extends DynamoException> exceptionType;

    ErrorCode(String wire, int httpStatus, Class<? extends DynamoException> exceptionType) {
        this.wire = wire;
        this.httpStatus = httpStatus;
        this.exceptionType = exceptionType;
    }

    /** The stable name on the wire and in HTTP error bodies, e.g. {@code insufficient_replicas}. */
    public String wire() {
        return wire;
    }

    /** The status of the HTTP API's reply for this code, e.g. 503. */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The exception a Java caller sees for this code: a subclass with typed fields for the
     * store's own codes, {@link DynamoException} itself for the others.
     */
    public Class<? extends DynamoException> exceptionType() {
        return exceptionType;
    }

    /**
     * The code of a wire name; empty for a name this version does not know (a newer peer's,
     * or garbage), which a receiver must treat as {@link #INTERNAL}: fail closed.
     */
    public static Optional<ErrorCode> fromWire(String wire) {
        return Optional.ofNullable(wire == null ? null : BY_WIRE.get(wire));
    }
}
