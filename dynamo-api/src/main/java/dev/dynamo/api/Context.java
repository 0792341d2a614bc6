package dev.dynamo.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The opaque context a get returns and a put or delete hands back: it encodes the merged
 * vector clock of every version the get saw, so the store can tell which versions the
 * new write supersedes. A context returned by a put also names that put's own write
 * event exactly ({@link #events()}), because a clock cannot say "n1's 5th write but not
 * its 4th", and claiming the 4th could silently supersede a concurrent write the client
 * never saw.
 *
 * <p>Two stable forms: {@link #toBytes()} (format version byte, then entries) and
 * {@link #toBase64()} (URL-safe base64 without padding, for HTTP headers).
 *
 * <pre>{@code
 * GetResult r = client.get("cart", key);
 * client.put("cart", key, r.context(), newValue);   // supersedes what r returned
 * client.put("cart", key, Context.EMPTY, value);    // blind write: becomes a sibling
 * }</pre>
 */
public final class Context {

    /** Version byte of the binary form of a context that is a clock only. */
    public static final byte FORMAT_VERSION = 1;
    /** Version byte of the binary form of a clock plus exact events. */
    public static final byte FORMAT_VERSION_WITH_EVENTS = 2;
    /** Upper bound on entries a decoded context may hold: guards against hostile input. */
    public static final int MAX_ENTRIES = 1024;
    private static final int MAX_NODE_ID_BYTES = 255;

    /** The context of a blind write: it supersedes nothing. */
    public static final Context EMPTY = new Context(VectorClock.EMPTY, Set.of());

    /** One write event named exactly: the {@code counter}-th write coordinated by {@code node}. */
    public record Event(String node, long counter) {
        public Event {
            Objects.requireNonNull(node, "node");
            if (node.isEmpty() || counter < 1) {
                throw new IllegalArgumentException("bad event " + node + ":" + counter);
            }
        }
    }

    private final VectorClock clock;
    private final Set<Event> events;

    private Context(VectorClock clock, Set<Event> events) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = events;
    }

    public static Context of(VectorClock clock) {
        return clock.isEmpty() ? EMPTY : new Context(clock, Set.of());
    }

    /** A clock plus exact events; events the clock already covers are dropped. */
    public static Context of(VectorClock clock, Collection<Event> events) {
        TreeSet<Event> kept = new TreeSet<>(EVENT_ORDER);
        for (Event e : events) {
            if (clock.counter(e.node()) < e.counter()) {
                kept.add(e);
            }
        }
        if (kept.isEmpty()) {
            return of(clock);
        }
        return new Context(clock, Collections.unmodifiableSet(kept));
    }

    private static final Comparator<Event> EVENT_ORDER =
            Comparator.comparing(Event::node).thenComparingLong(Event::counter);

    public VectorClock clock() {
        return clock;
    }

    /** Exact events beyond the clock, sorted. */
    public Set<Event> events() {
        return events;
    }

    /** True when the write {@code node:counter} is part of this context. */
    public boolean covers(String node, long counter) {
        return clock.counter(node) >= counter || events.contains(new Event(node, counter));
    }

    /** Everything this context or {@code other} covers. */
    public Context merge(Context other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        List<Event> all = new ArrayList<>(events);
        all.addAll(other.events);
        return of(clock.merge(other.clock), all);
    }

    /**
     * This context plus the write {@code node:counter}: folded into the clock when it is
     * the node's next event, kept as an exact event otherwise.
     */
    public Context with(String node, long counter, long timestamp) {
        if (clock.counter(node) + 1 == counter) {
            List<Event> rest = new ArrayList<>(events);
            VectorClock extended = clock.withCounter(node, counter, timestamp);
            // fold in any exact events that have now become contiguous
            boolean folded = true;
            while (folded) {
                folded = false;
                for (Event e : List.copyOf(rest)) {
                    if (extended.counter(e.node()) + 1 == e.counter()) {
                        extended = extended.withCounter(e.node(), e.counter(), timestamp);
                        rest.remove(e);
                        folded = true;
                    }
                }
            }
            return of(extended, rest);
        }
        List<Event> all = new ArrayList<>(events);
        all.add(new Event(node, counter));
        return of(clock, all);
    }

    /**
     * Bounds the size: the clock keeps its {@code maxEntries} newest entries and at most
     * {@code maxEntries} exact events stay. Covering less is safe: it can only turn a
     * superseded version into a sibling, never drop one.
     */
    public Context truncate(int maxEntries) {
        VectorClock c = clock.truncate(maxEntries);
        if (c == clock && events.size() <= maxEntries) {
            return this;
        }
        List<Event> kept = new ArrayList<>(events);
        return of(c, kept.subList(Math.max(0, kept.size() - maxEntries), kept.size()));
    }

    public boolean isEmpty() {
        return clock.isEmpty() && events.isEmpty();
    }

    /**
     * Binary form: {@code 0x01, varint n, n × (varint len, utf8 node, varint counter, varint timestamp)};
     * with exact events {@code 0x02}, the same, then {@code varint m, m × (varint len, utf8 node, varint counter)}.
     */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8 + clock.size() * 16 + events.size() * 8);
        out.write(events.isEmpty() ? FORMAT_VERSION : FORMAT_VERSION_WITH_EVENTS);
        writeVarLong(out, clock.size());
        for (VectorClock.Entry e : clock.entries()) {
            byte[] node = e.node().getBytes(StandardCharsets.UTF_8);
            writeVarLong(out, node.length);
            out.write(node, 0, node.length);
            writeVarLong(out, e.counter());
            writeVarLong(out, e.timestamp());
        }
        if (!events.isEmpty()) {
            writeVarLong(out, events.size());
            for (Event e : events) {
                byte[] node = e.node().getBytes(StandardCharsets.UTF_8);
                writeVarLong(out, node.length);
                out.write(node, 0, node.length);
                writeVarLong(out, e.counter());
            }
        }
        return out.toByteArray();
    }

    /** URL-safe base64 of {@link #toBytes()}, without padding; the empty context is "". */
    public String toBase64() {
        return isEmpty() ? "" : Base64.getUrlEncoder().withoutPadding().encodeToString(toBytes());
    }

    /**
     * Decodes {@link #toBytes()}.
     *
     * @throws IllegalArgumentException when the bytes are not a context, saying why
     */
    public static Context fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return EMPTY;
        }
        Reader in = new Reader(bytes);
        int version = in.readByte();
        if (version != FORMAT_VERSION && version != FORMAT_VERSION_WITH_EVENTS) {
            throw new IllegalArgumentException("malformed context: unknown format version " + version);
        }
        long n = in.readVarLong();
        if (n < 0 || n > MAX_ENTRIES) {
            throw new IllegalArgumentException("malformed context: " + n + " entries (at most " + MAX_ENTRIES + ")");
        }
        List<VectorClock.Entry> entries = new ArrayList<>((int) n);
        for (int i = 0; i < n; i++) {
            long len = in.readVarLong();
            if (len < 1 || len > MAX_NODE_ID_BYTES) {
                throw new IllegalArgumentException("malformed context: node id of " + len + " bytes");
            }
            String node = in.readUtf8((int) len);
            long counter = in.readVarLong();
            long timestamp = in.readVarLong();
            if (counter < 1 || timestamp < 0) {
                throw new IllegalArgumentException("malformed context: bad entry for node '" + node + "'");
            }
            entries.add(new VectorClock.Entry(node, counter, timestamp));
        }
        List<Event> events = new ArrayList<>();
        if (version == FORMAT_VERSION_WITH_EVENTS) {
            long m = in.readVarLong();
            if (m < 1 || m > MAX_ENTRIES) {
                throw new IllegalArgumentException("malformed context: " + m + " events (1 to " + MAX_ENTRIES + ")");
            }
            for (int i = 0; i < m; i++) {
                long len = in.readVarLong();
                if (len < 1 || len > MAX_NODE_ID_BYTES) {
                    throw new IllegalArgumentException("malformed context: node id of " + len + " bytes");
                }
                String node = in.readUtf8((int) len);
                long counter = in.readVarLong();
                if (counter < 1) {
                    throw new IllegalArgumentException("malformed context: bad event for node '" + node + "'");
                }
                events.add(new Event(node, counter));
            }
        }
        if (in.remaining() != 0) {
            throw new IllegalArgumentException("malformed context: " + in.remaining() + " trailing bytes");
        }
        try {
            return of(VectorClock.of(entries), events);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed context: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes {@link #toBase64()}; null or blank is the empty context.
     *
     * @throws IllegalArgumentException when the text is not a context, saying why
     */
    public static Context fromBase64(String text) {
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed context: not URL-safe base64", e);
        }
        return fromBytes(bytes);
    }

    private static void writeVarLong(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static final class Reader {
        private final byte[] bytes;
        private int pos;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        int remaining() {
            return bytes.length - pos;
        }

        int readByte() {
            if (pos >= bytes.length) {
                throw new IllegalArgumentException("malformed context: truncated");
            }
            return bytes[pos++] & 0xFF;
        }

        long readVarLong() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = readByte();
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new IllegalArgumentException("malformed context: varint too long");
        }

        String readUtf8(int len) {
            if (len > remaining()) {
                throw new IllegalArgumentException("malformed context: truncated");
            }
            String s = new String(bytes, pos, len, StandardCharsets.UTF_8);
            pos += len;
            return s;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Context c && c.clock.equals(clock) && c.events.equals(events);
    }

    @Override
    public int hashCode() {
        return clock.hashCode() * 31 + events.hashCode();
    }

    @Override
    public String toString() {
        return "Context" + clock + (events.isEmpty() ? "" : "+" + events);
    }
}
