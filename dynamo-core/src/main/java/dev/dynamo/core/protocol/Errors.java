package dev.dynamo.core.protocol;

import dev.dynamo.api.BadRequestException;
import dev.dynamo.api.DynamoException;
import dev.dynamo.api.DynamoTimeoutException;
import dev.dynamo.api.ErrorCode;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.api.LimitExceededException;
import dev.dynamo.api.ObsoleteVersionException;
import dev.dynamo.api.OverloadedException;
import dev.dynamo.api.TooManySiblingsException;
import dev.dynamo.api.UnknownTableException;
import dev.dynamo.api.ValueTooLargeException;

/**
 * Maps typed exceptions to {@link Message.Error} and back, so errors cross the wire typed:
 * the code is the exception's {@link ErrorCode}, its typed fields travel in fields of their
 * own, and nothing is ever parsed out of the message text. A code the receiver does not know
 * becomes a plain {@link DynamoException} of code {@code internal}: fail closed.
 *
 * <pre>{@code
 * Message.Error wire = Errors.toMessage(new UnknownTableException("carts"));
 * DynamoException back = Errors.toException(wire);   // an UnknownTableException, table() "carts"
 * }</pre>
 */
public final class Errors {
    private Errors() {
    }

    /** The error message answering {@code cause}; anything but a {@link DynamoException} is internal. */
    public static Message.Error toMessage(Throwable cause) {
        if (cause instanceof InsufficientReplicasException ir) {
            return message(ir, ir.required(), ir.acknowledged(), null);
        }
        if (cause instanceof ValueTooLargeException vt) {
            // the wire's counts are non-negative ints; a size the server does not know (-1) arises only
            // for an HTTP body cut off unread, which never crosses the binary protocol
            return message(vt, count(vt.size()), count(vt.max()), vt.table());
        }
        if (cause instanceof TooManySiblingsException ts) {
            return new Message.Error(ts.code(), String.valueOf(ts.getMessage()), count(ts.value()), count(ts.max()),
                    ts.table(), ts.limit());
        }
        if (cause instanceof LimitExceededException le) {
            return new Message.Error(le.code(), String.valueOf(le.getMessage()), count(le.value()), count(le.max()),
                    null, le.limit());
        }
        if (cause instanceof UnknownTableException ut) {
            return message(ut, 0, 0, ut.table());
        }
        if (cause instanceof DynamoException de) {
            return message(de, 0, 0, null);
        }
        return new Message.Error(ErrorCode.INTERNAL.wire(), "internal error: " + cause, 0, 0);
    }

    /** The typed exception of a peer's error: the type of its code, with its fields. */
    public static DynamoException toException(Message.Error e) {
        ErrorCode code = ErrorCode.fromWire(e.code()).orElse(null);
        if (code == null) {
            // a newer peer's code, or garbage: keep its name for whoever reads the log
            return new DynamoException("error '" + e.code() + "' from a peer: " + e.message());
        }
        // exhaustive: a new code does not compile until it says how it is rebuilt
        return switch (code) {
            case BAD_REQUEST -> new BadRequestException(e.message());
            case UNKNOWN_TABLE -> new UnknownTableException(e.table(), e.message());
            case OBSOLETE_VERSION -> new ObsoleteVersionException(e.message());
            case VALUE_TOO_LARGE -> new ValueTooLargeException(e.message(), e.table(), e.required(), e.acknowledged());
            case INSUFFICIENT_REPLICAS -> new InsufficientReplicasException(e.message(), e.required(), e.acknowledged());
            case TIMEOUT -> new DynamoTimeoutException(e.message());
            case LIMIT_EXCEEDED -> new LimitExceededException(e.message(), e.limit(), e.required(), e.acknowledged());
            case TOO_MANY_SIBLINGS -> new TooManySiblingsException(e.message(), e.table(), e.limit(), e.required(),
                    e.acknowledged());
            case OVERLOADED -> new OverloadedException(e.message(), e.limit(), e.required(), e.acknowledged());
            case INTERNAL, NOT_FOUND, NO_ROUTE, METHOD_NOT_ALLOWED, MEMBERSHIP_REFUSED, SHUTTING_DOWN, UNAUTHENTICATED,
                    FORBIDDEN ->
                    new DynamoException(code, e.message());
        };
    }

    private static Message.Error message(DynamoException e, int first, int second, String table) {
        return new Message.Error(e.code(), String.valueOf(e.getMessage()), first, second, table);
    }

    private static int count(long n) {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, n));
    }
}
