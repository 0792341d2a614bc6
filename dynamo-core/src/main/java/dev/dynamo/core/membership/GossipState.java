package dev.dynamo.core.membership;

import dev.dynamo.core.io.ByteReader;
import dev.dynamo.core.io.ByteWriter;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What gossip spreads: every member's entry, the ring requests are routed with, and the
 * ring change in progress (null: none). Immutable. {@link #merge} keeps, per node, the
 * newer entry, the ring with the larger version and the newer transition: commutative,
 * associative and idempotent, so views converge whatever the order of exchanges.
 *
 * <pre>{@code
 * GossipState mine = GossipState.of(ring, List.of(me));
 * GossipState merged = mine.merge(GossipState.decode(message.state()));
 * byte[] wire = merged.encode();
 * }</pre>
 */
public record GossipState(Map<String, MemberState> members, Ring ring, Transition transition) {

    private static final int FORMAT = 1;
    /** Format 1 plus each member's zone; written only when a member is outside the default zone. */
    private static final int FORMAT_ZONES = 2;
    private static final int MAX_MEMBERS = Ring.MAX_NODES;

    public GossipState {
        Objects.requireNonNull(ring, "ring");
        members = Collections.unmodifiableMap(new TreeMap<>(members));
    }

    public static GossipState of(Ring ring, java.util.Collection<MemberState> members) {
        Map<String, MemberState> m = new TreeMap<>();
        for (MemberState s : members) {
            m.put(s.id(), s);
        }
        return new GossipState(m, ring, null);
    }

    public MemberState member(String id) {
        return members.get(id);
    }

    /** This state with {@code entry} replacing the entry of its node. */
    public GossipState with(MemberState entry) {
        Map<String, MemberState> m = new TreeMap<>(members);
        m.put(entry.id(), entry);
        return new GossipState(m, ring, transition);
    }

    public GossipState withRing(Ring r) {
        return new GossipState(members, r, transition);
    }

    public GossipState withTransition(Transition t) {
        return new GossipState(members, ring, t);
    }

    /** The transition in progress, or null when none is (or the last one is complete). */
    public Transition activeTransition() {
        return transition != null && !transition.doneAt(ring.version()) ? transition : null;
    }

    /** The union of both views: newer entries, the newer ring, the newer transition. */
    public GossipState merge(GossipState other) {
        Map<String, MemberState> m = new TreeMap<>(members);
        other.members.forEach((id, s) -> m.merge(id, s, MemberState::newer));
        Ring r = newerRing(ring, other.ring);
        Transition t = transition;
        if (other.transition != null && other.transition.newerThan(t)) {
            t = other.transition;
        }
        return new GossipState(m, r, t);
    }

    /**
     * The larger version wins; two different rings of one version (two operators changing
     * the ring at once, which the facade refuses locally but cannot rule out cluster-wide)
     * are settled by their bytes, so every node settles on the same one.
     */
    static Ring newerRing(Ring a, Ring b) {
        if (a.version() != b.version()) {
            return a.version() > b.version() ? a : b;
        }
        if (a.equals(b)) {
            return a;
        }
        return java.util.Arrays.compare(a.encode(), b.encode()) >= 0 ? a : b;
    }

    // ------------------------------------------------------------------ codec

    public byte[] encode() {
        ByteWriter out = new ByteWriter(256 + members.size() * 64);
        // a cluster without zones keeps format 1: nodes of an older version read it
        boolean zoned = members.values().stream().anyMatch(m -> !m.zone().equals(NodeInfo.DEFAULT_ZONE));
        out.writeByte(zoned ? FORMAT_ZONES : FORMAT).writeVarInt(members.size());
        for (MemberState s : members.values()) {
            out.writeString(s.id()).writeString(s.binaryAddress()).writeString(s.httpAddress())
                    .writeLong(Double.doubleToLongBits(s.capacity())).writeByte(s.status().ordinal())
                    .writeVarLong(s.generation()).writeVarLong(s.version()).writeVarLong(s.ringVersion())
                    .writeVarLong(s.seenTransition()).writeVarLong(s.readyTransition())
                    .writeVarLong(s.readyRingVersion());
            if (zoned) {
                out.writeString(s.zone());
            }
        }
        out.writeBytes(ring.encode());
        if (transition == null) {
            out.writeByte(0);
        } else {
            out.writeByte(1).writeVarLong(transition.id()).writeString(transition.initiator())
                    .writeString(transition.description()).writeBytes(transition.target().encode())
                    .writeVarInt(transition.batch()).writeVarInt(transition.totalMoves());
        }
        return out.toByteArray();
    }

    /** Decodes what {@link #encode} wrote; hostile input fails with {@link IllegalArgumentException}. */
    public static GossipState decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        int format = in.readByte();
        if (format != FORMAT && format != FORMAT_ZONES) {
            throw new IllegalArgumentException("gossip state format " + format + " is not supported (expected "
                    + FORMAT + " or " + FORMAT_ZONES + ")");
        }
        int count = in.readVarInt();
        if (count < 0 || count > MAX_MEMBERS || count > in.remaining()) {
            throw new IllegalArgumentException("gossip state with " + count + " members");
        }
        NodeStatus[] statuses = NodeStatus.values();
        Map<String, MemberState> members = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            String id = in.readString();
            String binary = in.readString();
            String http = in.readString();
            double capacity = Double.longBitsToDouble(in.readLong());
            int status = in.readByte();
            if (status >= statuses.length) {
                throw new IllegalArgumentException("unknown node status " + status + " of node '" + id + "'");
            }
            long generation = in.readVarLong();
            long version = in.readVarLong();
            long ringVersion = in.readVarLong();
            long seen = in.readVarLong();
            long readyTransition = in.readVarLong();
            long readyRing = in.readVarLong();
            String zone = format == FORMAT_ZONES ? in.readString() : NodeInfo.DEFAULT_ZONE;
            members.put(id, new MemberState(id, binary, http, capacity, statuses[status], generation, version,
                    ringVersion, seen, readyTransition, readyRing, zone));
        }
        Ring ring = Ring.decode(in.readBytes());
        Transition transition = null;
        if (in.readByte() == 1) {
            transition = new Transition(in.readVarLong(), in.readString(), in.readString(), Ring.decode(in.readBytes()),
                    in.readVarInt(), in.readVarInt());
        }
        in.expectEnd();
        return new GossipState(members, ring, transition);
    }
}
