package dev.dynamo.core.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeInfoTest {

    @Test
    void acceptsTheUsualShapes() {
        NodeInfo n = new NodeInfo("node-a", "10.0.0.1:7000", 2.5);
        assertEquals("node-a", n.id());
        assertEquals(2.5, n.capacity());
        new NodeInfo("b", "db-1.example.com:1", 1);
        new NodeInfo("c", "[::1]:65535", 0.001);
        new NodeInfo("ü-节点", "localhost:7000", 1e9);
        NodeInfo t = NodeInfo.of("t");
        assertNull(t.address());
        assertEquals(1.0, t.capacity());
        assertEquals(3.0, t.withCapacity(3).capacity());
        assertEquals("h:1", t.withAddress("h:1").address());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "tab\t", "new\nline", "\u0000", "\ud800"})
    void rejectsBadIdsNamingFieldAndValue(String id) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NodeInfo(id, null, 1));
        assertTrue(e.getMessage().startsWith("id must be"), e.getMessage());
        assertTrue(e.getMessage().contains("'" + id + "'"), e.getMessage());
    }

    @Test
    void rejectsANullOrTooLongId() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NodeInfo(null, null, 1))
                .getMessage().contains("was null"));
        String longId = "x".repeat(NodeInfo.MAX_ID_BYTES + 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NodeInfo(longId, null, 1))
                .getMessage().contains("at most 255 UTF-8 bytes"));
        new NodeInfo("x".repeat(NodeInfo.MAX_ID_BYTES), null, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "host", "host:", ":7000", "host:0", "host:65536", "host:-1", "host:7o00",
        "host:123456", "::1:7000", "[]:1", "a[b:1", "[::1:7000", "ho st:7000", "host:+80"})
    void rejectsBadAddressesNamingFieldAndValue(String address) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NodeInfo("a", address, 1));
        assertTrue(e.getMessage().startsWith("address must be host:port"), e.getMessage());
        assertTrue(e.getMessage().contains("'" + address + "'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void rejectsBadCapacitiesNamingFieldAndValue(double capacity) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NodeInfo("a", null, capacity));
        assertTrue(e.getMessage().contains("capacity of node 'a'"), e.getMessage());
        assertTrue(e.getMessage().endsWith("was " + capacity), e.getMessage());
    }
}
