package dev.dynamo.core.protocol;

import dev.dynamo.api.DynamoException;
import dev.dynamo.api.ErrorCode;
import dev.dynamo.core.limits.LogLimiter;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns answers into messages and back: a peer's reply decoded into the message the caller
 * expects (or the peer's error rethrown typed), and a failure of a local request turned into
 * the {@link Message.Error} that goes back on the wire.
 *
 * <pre>{@code
 * transport.send(peer, MessageCodec.encode(request), timeoutMillis)
 *         .thenApply(bytes -> Replies.expect(bytes, Message.ReplicaReadResult.class).siblings());
 * }</pre>
 */
public final class Replies {
    private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

    private Replies() {
    }

    /** Decodes a peer's answer: the expected message, or the peer's error as a typed exception. */
    public static <T extends Message> T expect(byte[] bytes, Class<T> type) {
        Message m = MessageCodec.decode(bytes);
        if (m instanceof Message.Error e) {
            throw Errors.toException(e);
        }
        if (!type.isInstance(m)) {
            throw new DynamoException("expected " + type.getSimpleName() + " but got " + m.getClass().getSimpleName());
        }
        return type.cast(m);
    }

    /**
     * The error message answering a failed request. A failure that is not a typed error (a bug,
     * a failing engine) is logged with its stack trace through {@code log}, which a caller
     * rate-limits: a peer can make requests fail at a rate it chooses.
     */
    public static Message.Error toError(Throwable error, LogLimiter log) {
        Throwable cause = unwrap(error);
        if (!(cause instanceof DynamoException)) {
            log.warn(LOG, "untyped-failure", "a request failed with an untyped error", cause);
        }
        return Errors.toMessage(cause);
    }

    /** The error code a failed request is counted under in metrics: its typed code, else "internal". */
    public static String errorCode(Throwable error) {
        Throwable cause = unwrap(error);
        return cause instanceof DynamoException de ? de.code() : ErrorCode.INTERNAL.wire();
    }

    /** The failure inside the completion wrappers a future adds around it. */
    public static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
