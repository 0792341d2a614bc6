package dev.dynamo.core.version;

import dev.dynamo.api.Context;
import dev.dynamo.api.VectorClock;
import dev.dynamo.core.io.ByteReader;
import dev.dynamo.core.io.ByteWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored and wire form of a {@link SiblingSet}: format byte {@code 1}, the seen clock, then per version
 * its dot, context clock, timestamp, tombstone flag and value. Decoding validates every
 * length so that corrupt or hostile bytes fail with {@link IllegalArgumentException}.
 *
 * <p>Counts (versions, clock entries, events) are checked against the bytes left, not against
 * a fixed maximum: each item takes a few bytes at least, so a hostile count cannot make the
 * decoder allocate more than the input's size, while anything this codec wrote decodes again.
 * A fixed maximum here once made a key unreadable and unwritable for good: the 4,097th blind
 * write was stored and every later read of the key failed to decode it. How many siblings a
 * key may get is a table setting ({@code max-siblings}), enforced where writes enter.
 */
public final class SiblingSetCodec {
    public static final byte FORMAT = 1;
    /** The fewest bytes one version takes: node id (length and a byte), counter, empty context, time, flag, value length. */
    static final int MIN_VERSION_BYTES = 7;
    /** The fewest bytes a clock entry takes: node id (length and a byte), counter, time. */
    static final int MIN_ENTRY_BYTES = 4;
    /** The fewest bytes an exact event takes: node id (length and a byte), counter. */
    static final int MIN_EVENT_BYTES = 3;

    private SiblingSetCodec() {
    }

    public static byte[] encode(SiblingSet set) {
        ByteWriter out = new ByteWriter(sizeHint(set));
        write(out, set);
        return out.toByteArray();
    }

    /**
     * About the encoded size of {@code set}, at least its size for node ids of up to 24 bytes:
     * a writer sized by it does not grow (each growth copies the values written so far).
     */
    public static int sizeHint(SiblingSet set) {
        int size = 8 + clockSizeHint(set.seen().size());
        for (Version v : set.versions()) {
            size += 48 + v.value().length + clockSizeHint(v.context().clock().size())
                    + CLOCK_ENTRY_SIZE_HINT * v.context().events().size();
        }
        return size;
    }

    /** About the encoded size of a clock of {@code entries} entries. */
    public static int clockSizeHint(int entries) {
        return 2 + CLOCK_ENTRY_SIZE_HINT * entries;
    }

    /** A node id of up to 24 bytes and two varints. */
    private static final int CLOCK_ENTRY_SIZE_HINT = 48;

    public static void write(ByteWriter out, SiblingSet set) {
        out.writeByte(FORMAT);
        writeClock(out, set.seen());
        out.writeVarInt(set.size());
        for (Version v : set.versions()) {
            writeVersion(out, v);
        }
    }

    public static void writeVersion(ByteWriter out, Version v) {
        out.writeString(v.dot().node());
        out.writeVarLong(v.dot().counter());
        writeContext(out, v.context());
        out.writeVarLong(v.timestamp());
        out.writeByte(v.tombstone() ? 1 : 0);
        out.writeBytes(v.value());
    }

    public static void writeClock(ByteWriter out, VectorClock clock) {
        out.writeVarInt(clock.size());
        for (VectorClock.Entry e : clock.entries()) {
            out.writeString(e.node());
            out.writeVarLong(e.counter());
            out.writeVarLong(e.timestamp());
        }
    }

    public static void writeContext(ByteWriter out, Context context) {
        writeClock(out, context.clock());
        out.writeVarInt(context.events().size());
        for (Context.Event e : context.events()) {
            out.writeString(e.node());
            out.writeVarLong(e.counter());
        }
    }

    public static Context readContext(ByteReader in) {
        VectorClock clock = readClock(in);
        int n = count(in, MIN_EVENT_BYTES, "context events");
        List<Context.Event> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            events.add(new Context.Event(in.readString(), in.readVarLong()));
        }
        return Context.of(clock, events);
    }

    public static SiblingSet decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        SiblingSet set = read(in);
        in.expectEnd();
        return set;
    }

    public static SiblingSet read(ByteReader in) {
        int format = in.readByte();
        if (format != FORMAT) {
            throw new IllegalArgumentException("unknown sibling set format " + format);
        }
        VectorClock seen = readClock(in);
        int n = count(in, MIN_VERSION_BYTES, "sibling set versions");
        List<Version> versions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            versions.add(readVersion(in));
        }
        return new SiblingSet(versions, seen);
    }

    public static Version readVersion(ByteReader in) {
        Dot dot = new Dot(in.readString(), in.readVarLong());
        Context context = readContext(in);
        long timestamp = in.readVarLong();
        boolean tombstone = in.readByte() == 1;
        byte[] value = in.readBytes();
        return new Version(dot, context, timestamp, tombstone, value);
    }

    public static VectorClock readClock(ByteReader in) {
        int n = count(in, MIN_ENTRY_BYTES, "vector clock entries");
        List<VectorClock.Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new VectorClock.Entry(in.readString(), in.readVarLong(), in.readVarLong()));
        }
        return VectorClock.of(entries);
    }

    /** A count of items of at least {@code minBytes} each, which must fit in what is left. */
    private static int count(ByteReader in, int minBytes, String what) {
        int n = in.readVarInt();
        if (n > in.remaining() / minBytes) {
            throw new IllegalArgumentException(n + " " + what + " cannot fit in the " + in.remaining()
                    + " bytes left");
        }
        return n;
    }
}
