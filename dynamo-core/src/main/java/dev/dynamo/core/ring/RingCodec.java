package dev.dynamo.core.ring;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The binary form of a {@link Ring} (described at {@link Ring#encode()}). Decoding treats
 * its input as hostile: every length is checked against what is left before anything is
 * allocated, encodings must be canonical, and every failure is an
 * {@link IllegalArgumentException} saying what is wrong where.
 */
final class RingCodec {

    static final byte MAGIC_0 = 'D';
    static final byte MAGIC_1 = 'R';
    /** Every node in the default zone: what nodes without zones write and read. */
    static final byte FORMAT = 1;
    /** Format 1 plus each node's zone after its capacity (varint length + UTF-8). */
    static final byte FORMAT_ZONES = 2;
    private static final int CRC_BYTES = 4;
    /** Zone names are ASCII, at most 64 characters. */
    private static final int MAX_ZONE_BYTES = 64;
    /** id length, address length, capacity: the least a node can take. */
    private static final int MIN_NODE_BYTES = 1 + 1 + 1 + Double.BYTES;

    private RingCodec() {
    }

    static byte[] encode(Ring ring) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 + ring.q() * 2 + ring.nodes().size() * 32);
        out.write(MAGIC_0);
        out.write(MAGIC_1);
        // a ring without zones keeps format 1, byte for byte: nodes of an older version read it
        boolean zoned = ring.nodes().stream().anyMatch(n -> !n.zone().equals(NodeInfo.DEFAULT_ZONE));
        out.write(zoned ? FORMAT_ZONES : FORMAT);
        writeVarLong(out, ring.version());
        writeVarLong(out, ring.q());
        writeVarLong(out, ring.nodes().size());
        for (NodeInfo node : ring.nodes()) {
            byte[] id = node.id().getBytes(StandardCharsets.UTF_8);
            writeVarLong(out, id.length);
            out.writeBytes(id);
            if (node.address() == null) {
                writeVarLong(out, 0);
            } else {
                byte[] address = node.address().getBytes(StandardCharsets.UTF_8);
                writeVarLong(out, address.length + 1L);
                out.writeBytes(address);
            }
            long bits = Double.doubleToLongBits(node.capacity());
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (bits >>> shift));
            }
            if (zoned) {
                byte[] zone = node.zone().getBytes(StandardCharsets.UTF_8);
                writeVarLong(out, zone.length);
                out.writeBytes(zone);
            }
        }
        boolean wide = ring.nodes().size() > 256;
        for (int p = 0; p < ring.q(); p++) {
            int owner = ring.ownerIndex(p);
            if (wide) {
                out.write(owner >>> 8);
            }
            out.write(owner);
        }
        CRC32C crc = new CRC32C();
        byte[] body = out.toByteArray();
        crc.update(body, 0, body.length);
        int sum = (int) crc.getValue();
        byte[] result = new byte[body.length + CRC_BYTES];
        System.arraycopy(body, 0, result, 0, body.length);
        for (int i = 0; i < CRC_BYTES; i++) {
            result[body.length + i] = (byte) (sum >>> (24 - 8 * i));
        }
        return result;
    }

    static Ring decode(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("ring bytes: null");
        }
        if (bytes.length < 3 + CRC_BYTES) {
            throw new IllegalArgumentException("ring bytes: too short (" + bytes.length + " bytes)");
        }
        if (bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
            throw new IllegalArgumentException("ring bytes: bad magic, not an encoded ring");
        }
        if (bytes[2] != FORMAT && bytes[2] != FORMAT_ZONES) {
            throw new IllegalArgumentException("ring bytes: unsupported format " + (bytes[2] & 0xff)
                    + ", this version reads formats " + FORMAT + " and " + FORMAT_ZONES);
        }
        boolean zoned = bytes[2] == FORMAT_ZONES;
        int bodyLength = bytes.length - CRC_BYTES;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bodyLength);
        int expected = 0;
        for (int i = 0; i < CRC_BYTES; i++) {
            expected = (expected << 8) | (bytes[bodyLength + i] & 0xff);
        }
        if ((int) crc.getValue() != expected) {
            throw new IllegalArgumentException("ring bytes: checksum mismatch, the data is corrupt");
        }
        Reader in = new Reader(bytes, 3, bodyLength);
        long version = in.varLong("version");
        if (version < 0) {
            throw new IllegalArgumentException("ring bytes: version " + Long.toUnsignedString(version)
                    + " is out of range");
        }
        int q = in.varInt("q", 1, Ring.MAX_Q);
        int nodeCount = in.varInt("node count", 1, Ring.MAX_NODES);
        if ((long) nodeCount * (MIN_NODE_BYTES + (zoned ? 2 : 0)) > in.remaining()) {
            throw new IllegalArgumentException("ring bytes: node count " + nodeCount
                    + " does not fit in the " + in.remaining() + " bytes left");
        }
        List<NodeInfo> nodes = new ArrayList<>(nodeCount);
        for (int i = 0; i < nodeCount; i++) {
            String what = "node #" + i;
            String id = in.string(what + " id", in.varInt(what + " id length", 1, NodeInfo.MAX_ID_BYTES));
            int addressLength = in.varInt(what + " address length", 0, NodeInfo.MAX_ADDRESS_BYTES + 1);
            String address = addressLength == 0 ? null : in.string(what + " address", addressLength - 1);
            double capacity = Double.longBitsToDouble(in.fixedLong(what + " capacity"));
            String zone = zoned ? in.string(what + " zone", in.varInt(what + " zone length", 1, MAX_ZONE_BYTES))
                    : NodeInfo.DEFAULT_ZONE;
            try {
                nodes.add(new NodeInfo(id, address, capacity, zone));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ring bytes: " + what + ": " + e.getMessage(), e);
            }
        }
        if (zoned && nodes.stream().allMatch(n -> n.zone().equals(NodeInfo.DEFAULT_ZONE))) {
            throw new IllegalArgumentException("ring bytes: format " + FORMAT_ZONES
                    + " with every node in the default zone is not canonical (format " + FORMAT + " is)");
        }
        int width = nodeCount > 256 ? 2 : 1;
        if ((long) q * width != in.remaining()) {
            throw new IllegalArgumentException("ring bytes: expected " + (long) q * width
                    + " bytes of owners for q=" + q + ", found " + in.remaining());
        }
        int[] owners = new int[q];
        for (int p = 0; p < q; p++) {
            int owner = width == 2 ? (in.u8() << 8) | in.u8() : in.u8();
            if (owner >= nodeCount) {
                throw new IllegalArgumentException("ring bytes: owner of partition " + p + " is node #"
                        + owner + ", but there are " + nodeCount + " nodes");
            }
            owners[p] = owner;
        }
        try {
            return new Ring(version, nodes, owners);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ring bytes: " + e.getMessage(), e);
        }
    }

    /** Unsigned LEB128. */
    static void writeVarLong(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7fL) != 0) {
            out.write((int) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static final class Reader {
        private final byte[] bytes;
        private final int end;
        private int pos;

        Reader(byte[] bytes, int pos, int end) {
            this.bytes = bytes;
            this.pos = pos;
            this.end = end;
        }

        int remaining() {
            return end - pos;
        }

        int u8() {
            return bytes[pos++] & 0xff;
        }

        private void need(String what, long count) {
            if (count > remaining()) {
                throw new IllegalArgumentException("ring bytes: truncated in " + what + " (needs " + count
                        + " bytes at offset " + pos + ", " + remaining() + " left)");
            }
        }

        long varLong(String what) {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                need(what, 1);
                int b = u8();
                if (shift == 63 && (b & 0xfe) != 0) {
                    throw new IllegalArgumentException("ring bytes: " + what + " overflows 64 bits");
                }
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    if (b == 0 && shift > 0) {
                        throw new IllegalArgumentException("ring bytes: " + what + " is not minimally encoded");
                    }
                    return value;
                }
            }
        }

        int varInt(String what, int min, int max) {
            long value = varLong(what);
            if (value < min || value > max) {
                throw new IllegalArgumentException("ring bytes: " + what + " must be in [" + min + ", " + max
                        + "], was " + Long.toUnsignedString(value));
            }
            return (int) value;
        }

        long fixedLong(String what) {
            need(what, Long.BYTES);
            long value = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                value = (value << 8) | u8();
            }
            return value;
        }

        String string(String what, int length) {
            need(what, length);
            try {
                String s = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, pos, length)).toString();
                pos += length;
                return s;
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("ring bytes: " + what + " is not valid UTF-8", e);
            }
        }
    }
}
