package dev.dynamo.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The error codes as documented (docs/http-api.md, "Errors"): wire names, HTTP statuses, exception types. */
class ErrorCodeTest {

    /** The documented table, written out independently of the enum so that a change to either shows. */
    private static final Map<String, Integer> DOCUMENTED_STATUS = Map.ofEntries(
            Map.entry("bad_request", 400),
            Map.entry("limit_exceeded", 400),
            Map.entry("unknown_table", 404),
            Map.entry("unauthenticated", 401),
            Map.entry("forbidden", 403),
            Map.entry("not_found", 404),
            Map.entry("no_route", 404),
            Map.entry("method_not_allowed", 405),
            Map.entry("obsolete_version", 409),
            Map.entry("membership_refused", 409),
            Map.entry("too_many_siblings", 409),
            Map.entry("value_too_large", 413),
            Map.entry("internal", 500),
            Map.entry("insufficient_replicas", 503),
            Map.entry("overloaded", 503),
            Map.entry("shutting_down", 503),
            Map.entry("timeout", 504));

    @Test
    void everyCodeHasItsDocumentedHttpStatus() {
        for (ErrorCode code : ErrorCode.values()) {
            assertEquals(DOCUMENTED_STATUS.get(code.wire()), code.httpStatus(), code.wire());
        }
        assertEquals(DOCUMENTED_STATUS.keySet(), Arrays.stream(ErrorCode.values()).map(ErrorCode::wire)
                .collect(Collectors.toSet()), "every documented code is declared, and nothing else");
    }

    @Test
    void wireNamesAreDistinctAndLookUpTheirCode() {
        for (ErrorCode code : ErrorCode.values()) {
            assertEquals(Optional.of(code), ErrorCode.fromWire(code.wire()));
            assertTrue(code.wire().matches("[a-z]+(_[a-z]+)*"), "snake case: " + code.wire());
        }
        assertEquals(ErrorCode.values().length, Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).distinct().count());
    }

    @Test
    void unknownWireNamesAreEmptyForTheCallerToTreatAsInternal() {
        assertEquals(Optional.empty(), ErrorCode.fromWire("from_a_newer_node"));
        assertEquals(Optional.empty(), ErrorCode.fromWire("TIMEOUT"));
        assertEquals(Optional.empty(), ErrorCode.fromWire(""));
        assertEquals(Optional.empty(), ErrorCode.fromWire(null));
    }

    @Test
    void eachExceptionCarriesItsCodeAndTypedFields() {
        assertCode(ErrorCode.BAD_REQUEST, new BadRequestException("bad"));
        assertCode(ErrorCode.OBSOLETE_VERSION, new ObsoleteVersionException("old"));
        assertCode(ErrorCode.TIMEOUT, new DynamoTimeoutException("late"));
        assertCode(ErrorCode.INTERNAL, new DynamoException("broken"));
        assertCode(ErrorCode.INTERNAL, new DynamoException("broken", new IllegalStateException()));

        UnknownTableException ut = new UnknownTableException("carts");
        assertCode(ErrorCode.UNKNOWN_TABLE, ut);
        assertEquals("carts", ut.table());
        assertEquals("table 'carts' is not configured", ut.getMessage());

        ValueTooLargeException vt = ValueTooLargeException.of("carts", 2048, 1024);
        assertCode(ErrorCode.VALUE_TOO_LARGE, vt);
        assertEquals("carts", vt.table());
        assertEquals(2048, vt.size());
        assertEquals(1024, vt.max());
        assertEquals(null, new ValueTooLargeException("body over the server's limit", -1, 65536).table());

        InsufficientReplicasException ir = InsufficientReplicasException.of("put", 2, 1);
        assertCode(ErrorCode.INSUFFICIENT_REPLICAS, ir);
        assertEquals(2, ir.required());
        assertEquals(1, ir.acknowledged());
    }

    @Test
    void aPlainExceptionTakesOnlyCodesWithoutFieldsOfTheirOwn() {
        Set<ErrorCode> plain = Arrays.stream(ErrorCode.values()).filter(c -> c.exceptionType() == DynamoException.class)
                .collect(Collectors.toSet());
        for (ErrorCode code : ErrorCode.values()) {
            if (plain.contains(code)) {
                assertCode(code, new DynamoException(code, "x"));
            } else {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> new DynamoException(code, "x"), code.wire());
                assertTrue(e.getMessage().contains(code.exceptionType().getSimpleName()), e.getMessage());
            }
        }
        assertEquals(Set.of(ErrorCode.INTERNAL, ErrorCode.NOT_FOUND, ErrorCode.NO_ROUTE, ErrorCode.METHOD_NOT_ALLOWED,
                ErrorCode.MEMBERSHIP_REFUSED, ErrorCode.SHUTTING_DOWN, ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN), plain);
    }

    private static void assertCode(ErrorCode expected, DynamoException e) {
        assertSame(expected, e.errorCode());
        assertEquals(expected.wire(), e.code(), "code() is the wire name, as before the enum");
        assertTrue(expected.exceptionType().isInstance(e), e.getClass() + " is a " + expected.exceptionType());
    }
}
