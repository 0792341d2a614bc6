package dev.dynamo.core.protocol;

import dev.dynamo.api.BadRequestException;
import dev.dynamo.api.DynamoException;
import dev.dynamo.api.DynamoTimeoutException;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.api.ObsoleteVersionException;
import dev.dynamo.api.UnknownTableException;
import dev.dynamo.api.ValueTooLargeException;

/** Maps typed exceptions to {@link Message.Error} and back, so errors cross the wire typed. */
public final class Errors {
    private Errors() {
    }

    public static Message.Error toMessage(Throwable cause) {
        if (cause instanceof InsufficientReplicasException ir) {
            return new Message.Error(ir.code(), ir.getMessage(), ir.required(), ir.acknowledged());
        }
        if (cause instanceof ValueTooLargeException vt) {
            // size and limit ride in the two count fields
            return new Message.Error(vt.code(), vt.getMessage(), (int) Math.min(Integer.MAX_VALUE, vt.size()),
                    (int) Math.min(Integer.MAX_VALUE, vt.max()));
        }
        if (cause instanceof DynamoException de) {
            return new Message.Error(de.code(), String.valueOf(de.getMessage()), 0, 0);
        }
        return new Message.Error("internal", "internal error: " + cause, 0, 0);
    }

    public static DynamoException toException(Message.Error e) {
        return switch (e.code()) {
            case "insufficient_replicas" -> new InsufficientReplicasException(e.message(), e.required(), e.acknowledged());
            case "timeout" -> new DynamoTimeoutException(e.message());
            case "unknown_table" -> new UnknownTableException(tableFrom(e.message()));
            case "value_too_large" -> new ValueTooLargeException(e.message(), e.required(), e.acknowledged());
            case "bad_request" -> new BadRequestException(e.message());
            case "obsolete_version" -> new ObsoleteVersionException(e.message());
            default -> new DynamoException(e.message());
        };
    }

    private static String tableFrom(String message) {
        int a = message.indexOf('\'');
        int b = message.indexOf('\'', a + 1);
        return a >= 0 && b > a ? message.substring(a + 1, b) : message;
    }
}
