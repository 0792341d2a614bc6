package dev.dynamo.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.dynamo.core.io.ByteWriter;
import org.junit.jupiter.api.Test;

/** Errors cross the binary protocol typed: exception, to wire bytes, back to the same exception. */
class ErrorsTest {

    /** One exception of each code, with every typed field set (exhaustive: a new code must add one). */
    private static DynamoException sample(ErrorCode code) {
        return switch (code) {
            case BAD_REQUEST -> new BadRequestException("header X-Dynamo-Context: malformed context");
            case UNKNOWN_TABLE -> new UnknownTableException("carts");
            case OBSOLETE_VERSION -> new ObsoleteVersionException("a stored version supersedes it");
            case VALUE_TOO_LARGE -> ValueTooLargeException.of("carts", 2_000_000, 1_048_576);
            case INSUFFICIENT_REPLICAS -> InsufficientReplicasException.of("put", 3, 1);
            case TIMEOUT -> new DynamoTimeoutException("no quorum within 500 ms");
            case LIMIT_EXCEEDED -> LimitExceededException.of("context entries", "context.max-entries", 70, 64);
            case TOO_MANY_SIBLINGS -> TooManySiblingsException.of("carts", 101, 100);
            case OVERLOADED -> OverloadedException.of("n1", "transport.netty.max-in-flight", 4096, 4096);
            case INTERNAL, NOT_FOUND, NO_ROUTE, METHOD_NOT_ALLOWED, MEMBERSHIP_REFUSED, SHUTTING_DOWN, UNAUTHENTICATED,
                    FORBIDDEN ->
                    new DynamoException(code, "what happened: " + code.wire());
        };
    }

    private static DynamoException overTheWire(DynamoException e) {
        byte[] bytes = MessageCodec.encode(Errors.toMessage(e));
        return Errors.toException((Message.Error) MessageCodec.decode(bytes));
    }

    @Test
    void everyCodeRoundTripsWithItsTypeMessageAndFields() {
        for (ErrorCode code : ErrorCode.values()) {
            DynamoException sent = sample(code);
            DynamoException got = overTheWire(sent);

            assertSame(sent.getClass(), got.getClass(), code.wire());
            assertSame(code, got.errorCode());
            assertEquals(code.wire(), got.code());
            assertEquals(sent.getMessage(), got.getMessage(), code.wire());
            if (sent instanceof UnknownTableException s) {
                assertEquals(s.table(), ((UnknownTableException) got).table());
            } else if (sent instanceof ValueTooLargeException s) {
                ValueTooLargeException g = (ValueTooLargeException) got;
                assertEquals(s.table(), g.table());
                assertEquals(s.size(), g.size());
                assertEquals(s.max(), g.max());
            } else if (sent instanceof LimitExceededException s) {
                LimitExceededException g = (LimitExceededException) got;
                assertEquals(s.limit(), g.limit(), code.wire());
                assertEquals(s.value(), g.value(), code.wire());
                assertEquals(s.max(), g.max(), code.wire());
                if (s instanceof TooManySiblingsException ts) {
                    assertEquals(ts.table(), ((TooManySiblingsException) g).table());
                }
            } else if (sent instanceof InsufficientReplicasException s) {
                InsufficientReplicasException g = (InsufficientReplicasException) got;
                assertEquals(s.required(), g.required());
                assertEquals(s.acknowledged(), g.acknowledged());
            }
        }
    }

    @Test
    void theTableTravelsInItsOwnFieldNotInTheMessage() {
        UnknownTableException got = (UnknownTableException) overTheWire(
                new UnknownTableException("it's", "the peer's own words, naming 'nothing'"));
        assertEquals("it's", got.table());
        assertEquals("the peer's own words, naming 'nothing'", got.getMessage());
    }

    @Test
    void anErrorFromANodeBeforeTheTableFieldStillDecodesTyped() {
        byte[] old = new ByteWriter(64).writeByte(MessageCodec.ERROR).writeString("unknown_table")
                .writeString("table 'carts' is not configured").writeVarInt(0).writeVarInt(0).toByteArray();

        Message.Error decoded = (Message.Error) MessageCodec.decode(old);
        DynamoException e = Errors.toException(decoded);

        assertNull(decoded.table());
        UnknownTableException ut = (UnknownTableException) e;
        assertNull(ut.table(), "never parsed out of the message");
        assertEquals("table 'carts' is not configured", ut.getMessage());
        assertArrayEquals(old, MessageCodec.encode(decoded), "an error without a table keeps the old bytes");
    }

    @Test
    void anUnknownCodeFailsClosedAsInternalNamingTheCode() {
        DynamoException e = Errors.toException(new Message.Error("from_a_newer_node", "something new", 4, 5, "t"));

        assertSame(DynamoException.class, e.getClass());
        assertSame(ErrorCode.INTERNAL, e.errorCode());
        assertTrue(e.getMessage().contains("from_a_newer_node") && e.getMessage().contains("something new"),
                e.getMessage());
    }

    @Test
    void anUntypedFailureGoesOutAsInternal() {
        Message.Error wire = Errors.toMessage(new IllegalStateException("disk on fire"));

        assertEquals("internal", wire.code());
        assertTrue(wire.message().contains("disk on fire"), wire.message());
        assertSame(ErrorCode.INTERNAL, Errors.toException(wire).errorCode());
    }
}
