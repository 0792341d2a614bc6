package dev.dynamo.core.spi;

/** A request did not reach its peer, or got no answer in time, or the peer failed it. */
public class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the request failed. */
    public enum Kind { UNREACHABLE, TIMEOUT, REMOTE_FAILURE, CLOSED }

    private final Kind kind;

    public TransportException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public TransportException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
