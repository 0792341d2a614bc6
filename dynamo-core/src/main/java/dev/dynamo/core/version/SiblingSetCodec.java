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
 */
public final class SiblingSetCodec {
    public static final byte FORMAT = 1;
    /** Guard against hostile input; far above any sane sibling count. */
    public static final int MAX_VERSIONS = 4096;

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
        int n = in.readVarInt();
        if (n > Context.MAX_ENTRIES) {
            throw new IllegalArgumentException("context of " + n + " events");
        }
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
        int n = in.readVarInt();
        if (n > MAX_VERSIONS) {
            throw new IllegalArgumentException("sibling set of " + n + " versions (at most " + MAX_VERSIONS + ")");
        }
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
        int n = in.readVarInt();
        if (n > Context.MAX_ENTRIES) {
            throw new IllegalArgumentException("vector clock of " + n + " entries");
        }
        List<VectorClock.Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new VectorClock.Entry(in.readString(), in.readVarLong(), in.readVarLong()));
        }
        return VectorClock.of(entries);
    }
}
