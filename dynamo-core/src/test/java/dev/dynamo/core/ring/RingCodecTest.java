package dev.dynamo.core.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RingCodecTest {

    private static final RingPlanner PLANNER = new RingPlanner();

    private static Ring roundTrip(Ring ring) {
        byte[] bytes = ring.encode();
        Ring decoded = Ring.decode(bytes);
        assertEquals(ring, decoded);
        assertArrayEquals(bytes, decoded.encode(), "canonical");
        return decoded;
    }

    @Test
    void roundTripsSmallAndLargeRings() {
        roundTrip(Ring.of(0, List.of(NodeInfo.of("a")), List.of("a")));
        roundTrip(PLANNER.initial(1024, List.of(new NodeInfo("a", "10.0.0.1:7000", 1.5),
                new NodeInfo("ü-节点-😀", "[2001:db8::1]:7001", 0.1), new NodeInfo("c", null, 3))));
        Ring versioned = Ring.of(Long.MAX_VALUE, List.of(NodeInfo.of("a"), NodeInfo.of("b")), List.of("b", "a"));
        assertEquals(Long.MAX_VALUE, roundTrip(versioned).version());
        // more than 256 nodes: two-byte owner indexes
        List<NodeInfo> many = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            many.add(new NodeInfo(String.format("node-%03d", i), "host" + i + ":7000", 1 + i % 3));
        }
        roundTrip(PLANNER.initial(1024, many));
    }

    @Test
    void isCompact() {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            nodes.add(new NodeInfo("node-" + i, "10.0.0." + i + ":7000", 1));
        }
        byte[] bytes = PLANNER.initial(1024, nodes).encode();
        // header 3 + version 1 + q 2 + count 1 + 8 × (7 + 14 + 8) + 1024 owners + crc 4
        assertEquals(3 + 1 + 2 + 1 + 8 * 29 + 1024 + 4, bytes.length);
    }

    @Property(tries = 100)
    void roundTripsPlannedRings(@ForAll @IntRange(min = 1, max = 300) int q,
            @ForAll @IntRange(min = 1, max = 30) int nodeCount, @ForAll @IntRange(max = 1000) int version) {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(new NodeInfo("n" + i, i % 2 == 0 ? null : "h:" + (i + 1), 0.5 + i % 4));
        }
        Ring ring = PLANNER.initial(q, nodes);
        roundTrip(Ring.of(version, ring.nodes(), ownersOf(ring)));
    }

    /** Any corruption either still decodes (to a valid ring) or fails with IllegalArgumentException. */
    @Property(tries = 300)
    void corruptInputFailsCleanly(@ForAll @IntRange(max = 10_000) int where, @ForAll byte value,
            @ForAll boolean fixChecksum) {
        byte[] bytes = PLANNER.initial(16, List.of(new NodeInfo("a", "h:1", 1), NodeInfo.of("b"))).encode();
        bytes[where % bytes.length] = value;
        byte[] input = fixChecksum ? withCrc(Arrays.copyOf(bytes, bytes.length - 4)) : bytes;
        try {
            Ring ring = Ring.decode(input);
            assertArrayEquals(input, ring.encode());
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().startsWith("ring bytes: "), expected.getMessage());
        }
    }

    @Test
    void everyTruncationFails() {
        byte[] bytes = PLANNER.initial(64, List.of(new NodeInfo("a", "h:1", 1), NodeInfo.of("b"))).encode();
        for (int length = 0; length < bytes.length; length++) {
            byte[] prefix = Arrays.copyOf(bytes, length);
            assertThrows(IllegalArgumentException.class, () -> Ring.decode(prefix), "length " + length);
            byte[] resealed = length >= 4 ? withCrc(Arrays.copyOf(bytes, length - 4)) : prefix;
            assertThrows(IllegalArgumentException.class, () -> Ring.decode(resealed), "resealed " + length);
        }
    }

    @Test
    void rejectsEnvelopeErrors() {
        assertError("ring bytes: null", null);
        assertError("ring bytes: too short (3 bytes)", new byte[] {'D', 'R', 1});
        byte[] good = Ring.of(1, List.of(NodeInfo.of("a")), List.of("a")).encode();
        byte[] badMagic = good.clone();
        badMagic[0] = 'X';
        assertError("ring bytes: bad magic, not an encoded ring", badMagic);
        byte[] badFormat = good.clone();
        badFormat[2] = 9;
        assertError("ring bytes: unsupported format 9, this version reads formats 1 and 2", badFormat);
        byte[] flipped = good.clone();
        flipped[good.length - 5] ^= 1;
        assertError("ring bytes: checksum mismatch, the data is corrupt", flipped);
        byte[] trailing = withCrc(concat(Arrays.copyOf(good, good.length - 4), new byte[] {0}));
        assertError("ring bytes: expected 1 bytes of owners for q=1, found 2", trailing);
    }

    @Test
    void rejectsHostileHeaders() {
        assertError("ring bytes: version overflows 64 bits", ring(out -> {
            for (int i = 0; i < 9; i++) {
                out.write(0xff);
            }
            out.write(0x02);
        }));
        assertError("ring bytes: version 9223372036854775808 is out of range", ring(out -> {
            for (int i = 0; i < 9; i++) {
                out.write(0x80);
            }
            out.write(0x01);
        }));
        assertError("ring bytes: version is not minimally encoded", ring(out -> {
            out.write(0x81);
            out.write(0x00);
        }));
        assertError("ring bytes: q must be in [1, 1048576], was 0", ring(out -> {
            varint(out, 1);
            varint(out, 0);
        }));
        assertError("ring bytes: q must be in [1, 1048576], was 4294967295", ring(out -> {
            varint(out, 1);
            varint(out, 0xffffffffL);
        }));
        assertError("ring bytes: node count must be in [1, 65536], was 0", ring(out -> {
            varint(out, 1);
            varint(out, 1);
            varint(out, 0);
        }));
        assertError("ring bytes: node count 65536 does not fit in the 0 bytes left", ring(out -> {
            varint(out, 1);
            varint(out, 1);
            varint(out, 65536);
        }));
        assertError("ring bytes: truncated in q (needs 1 bytes at offset 4, 0 left)", ring(out -> varint(out, 1)));
    }

    @Test
    void rejectsHostileNodeTables() {
        assertError("ring bytes: node #0 id length must be in [1, 255], was 0",
                ring(header(1, 1, out -> {
                    varint(out, 0);
                    out.writeBytes(new byte[20]);
                })));
        assertError("ring bytes: node #0 id length must be in [1, 255], was 100000",
                ring(header(1, 1, out -> {
                    varint(out, 100_000);
                    out.writeBytes(new byte[20]);
                })));
        assertError("ring bytes: truncated in node #0 id (needs 200 bytes at offset 8, 18 left)",
                ring(header(1, 1, out -> {
                    varint(out, 200);
                    out.writeBytes(new byte[18]);
                })));
        assertError("ring bytes: node #0 id is not valid UTF-8", ring(header(1, 1, out -> {
            varint(out, 2);
            out.write(0xc0); // overlong encoding of '/'
            out.write(0xaf);
            node(out, null, 1.0);
            out.write(0);
        })));
        assertError("ring bytes: node #0: id must be non-empty without whitespace, control characters or lone "
                + "surrogates, was 'a b'", ring(header(1, 1, out -> {
                    node(out, "a b", null, 1.0);
                    out.write(0);
                })));
        assertError("ring bytes: node #0: capacity of node 'a' must be finite and > 0, was NaN",
                ring(header(1, 1, out -> {
                    node(out, "a", null, Double.NaN);
                    out.write(0);
                })));
        assertError("ring bytes: node #0: address must be host:port with port 1-65535 (at most 1024 UTF-8 bytes), "
                + "was 'h:0'", ring(header(1, 1, out -> {
                    node(out, "a", "h:0", 1.0);
                    out.write(0);
                })));
        assertError("ring bytes: node #0 address length must be in [0, 1025], was 5000", ring(header(1, 1, out -> {
            varint(out, 1);
            out.write('a');
            varint(out, 5000);
            out.writeBytes(new byte[20]);
        })));
        assertError("ring bytes: duplicate node id 'a'", ring(header(1, 2, out -> {
            node(out, "a", null, 1.0);
            node(out, "a", null, 2.0);
            out.write(0);
        })));
    }

    @Test
    void rejectsBadOwners() {
        assertError("ring bytes: owner of partition 1 is node #2, but there are 2 nodes", ring(header(3, 2, out -> {
            node(out, "a", null, 1.0);
            node(out, "b", null, 1.0);
            out.write(0);
            out.write(2);
            out.write(1);
        })));
        assertError("ring bytes: expected 3 bytes of owners for q=3, found 2", ring(header(3, 2, out -> {
            node(out, "a", null, 1.0);
            node(out, "b", null, 1.0);
            out.write(0);
            out.write(1);
        })));
    }

    private static List<String> ownersOf(Ring ring) {
        List<String> owners = new ArrayList<>();
        for (int p = 0; p < ring.q(); p++) {
            owners.add(ring.ownerOf(p));
        }
        return owners;
    }

    private static void assertError(String message, byte[] input) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ring.decode(input));
        assertEquals(message, e.getMessage());
    }

    /** Header "DR" 1, then {@code body}, then a valid CRC32C: structural checks are reached. */
    private static byte[] ring(Consumer<ByteArrayOutputStream> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('D');
        out.write('R');
        out.write(1);
        body.accept(out);
        return withCrc(out.toByteArray());
    }

    /** version 1, q, node count, then {@code rest}. */
    private static Consumer<ByteArrayOutputStream> header(int q, int nodeCount, Consumer<ByteArrayOutputStream> rest) {
        return out -> {
            varint(out, 1);
            varint(out, q);
            varint(out, nodeCount);
            rest.accept(out);
        };
    }

    private static void node(ByteArrayOutputStream out, String id, String address, double capacity) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        varint(out, idBytes.length);
        out.writeBytes(idBytes);
        node(out, address, capacity);
    }

    private static void node(ByteArrayOutputStream out, String address, double capacity) {
        if (address == null) {
            varint(out, 0);
        } else {
            byte[] bytes = address.getBytes(StandardCharsets.UTF_8);
            varint(out, bytes.length + 1);
            out.writeBytes(bytes);
        }
        long bits = Double.doubleToRawLongBits(capacity);
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (bits >>> shift));
        }
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        RingCodec.writeVarLong(out, value);
    }

    private static byte[] withCrc(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body, 0, body.length);
        int sum = (int) crc.getValue();
        return concat(body, new byte[] {(byte) (sum >>> 24), (byte) (sum >>> 16), (byte) (sum >>> 8), (byte) sum});
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
