package dev.dynamo.core.protocol;

import dev.dynamo.api.VectorClock;
import dev.dynamo.api.Versioned;
import dev.dynamo.core.io.ByteReader;
import dev.dynamo.core.io.ByteWriter;
import dev.dynamo.core.version.SiblingSetCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of {@link Message}s: one type byte, then the fields. No Java serialization;
 * every length is checked against what is left, so a hostile message fails with
 * {@link IllegalArgumentException} and never allocates more than its own size.
 *
 * <p><b>Compatibility.</b> A message grows only by trailing optional fields, written only
 * when set and read only when bytes are left, so that this version decodes what older nodes
 * send. So far: {@link Message.Error#table()} (after the two counts), sent for
 * {@code unknown_table}, {@code value_too_large} and {@code too_many_siblings}, then
 * {@link Message.Error#limit()}, sent for the limit codes (with an empty table when there is
 * none); an error without them decodes with a null table and limit.
 * {@link Message.DigestRequest#startKey()} and {@link Message.Digests#nextKey()} (anti-entropy
 * paging), written only when not empty; {@link Message.ReplicaWriteResult#replica()}, written
 * only when false. A node older than a field rejects a message carrying it as malformed, so in a
 * cluster being upgraded such errors reach the older nodes as failed requests instead of
 * typed ones until every node runs the new version.
 */
public final class MessageCodec {

    static final int GET = 1;
    static final int PUT = 2;
    static final int GET_RESULT = 3;
    static final int PUT_RESULT = 4;
    static final int REPLICA_READ = 5;
    static final int REPLICA_READ_RESULT = 6;
    static final int REPLICA_WRITE = 7;
    static final int REPLICA_WRITE_RESULT = 8;
    static final int RING_REQUEST = 9;
    static final int RING_RESULT = 10;
    static final int ERROR = 11;
    static final int MERKLE_REQUEST = 12;
    static final int MERKLE_HASHES = 13;
    static final int DIGEST_REQUEST = 14;
    static final int DIGESTS = 15;
    static final int PURGE = 16;
    static final int GOSSIP = 17;
    static final int GOSSIP_REPLY = 18;
    static final int PARTITION_PULL = 19;
    static final int PARTITION_CHUNK = 20;

    private static final int MAX_LIST = 1 << 16;

    private MessageCodec() {
    }

    /**
     * A request deadline: 0 (the table's) or positive. A ten-byte varint decodes to a negative
     * long; refused here, it would otherwise fail later as an internal error (found by fuzzing).
     */
    private static long timeout(ByteReader in) {
        long t = in.readVarLong();
        if (t < 0) {
            throw new IllegalArgumentException("negative timeout " + t);
        }
        return t;
    }

    public static byte[] encode(Message message) {
        ByteWriter out = new ByteWriter(sizeHint(message));
        if (message instanceof Message.Get m) {
            out.writeByte(GET).writeString(m.table()).writeBytes(m.key()).writeVarInt(m.r())
                    .writeVarLong(m.timeoutMillis());
        } else if (message instanceof Message.Put m) {
            out.writeByte(PUT).writeString(m.table()).writeBytes(m.key()).writeBytes(m.context())
                    .writeBytes(m.value()).writeByte(m.tombstone() ? 1 : 0).writeVarInt(m.w())
                    .writeVarLong(m.timeoutMillis()).writeByte(m.forwarded() ? 1 : 0);
        } else if (message instanceof Message.GetResult m) {
            out.writeByte(GET_RESULT).writeVarInt(m.versions().size());
            for (Versioned v : m.versions()) {
                out.writeBytes(v.value()).writeVarLong(v.timestamp());
                SiblingSetCodec.writeClock(out, v.clock());
            }
            out.writeBytes(m.context());
        } else if (message instanceof Message.PutResult m) {
            out.writeByte(PUT_RESULT).writeBytes(m.context());
        } else if (message instanceof Message.ReplicaRead m) {
            out.writeByte(REPLICA_READ).writeString(m.table())
                .writeVarInt(m.partition()).writeBytes(m.key()).writeString(m.hintFor());
        } else if (message instanceof Message.ReplicaReadResult m) {
            out.writeByte(REPLICA_READ_RESULT);
            SiblingSetCodec.write(out, m.siblings());
        } else if (message instanceof Message.ReplicaWrite m) {
            out.writeByte(REPLICA_WRITE).writeString(m.table()).writeVarInt(m.partition()).writeBytes(m.key())
                    .writeByte(m.sync() ? 1 : 0).writeString(m.hintFor());
            SiblingSetCodec.write(out, m.siblings());
        } else if (message instanceof Message.ReplicaWriteResult m) {
            out.writeByte(REPLICA_WRITE_RESULT).writeByte(m.changed() ? 1 : 0);
            if (!m.replica()) {
                out.writeByte(0); // trailing: absent from a replica's answer
            }
        } else if (message instanceof Message.RingRequest) {
            out.writeByte(RING_REQUEST);
        } else if (message instanceof Message.RingResult m) {
            out.writeByte(RING_RESULT).writeBytes(m.ring()).writeVarInt(m.nodes().size());
            for (Message.NodeAddress a : m.nodes()) {
                out.writeString(a.id()).writeString(a.binaryAddress()).writeString(a.httpAddress());
            }
            out.writeVarInt(m.tables().size());
            for (Message.TablePlacement t : m.tables()) {
                out.writeString(t.name()).writeVarInt(t.n()).writeString(t.partitioner());
            }
        } else if (message instanceof Message.Error m) {
            out.writeByte(ERROR).writeString(m.code()).writeString(m.message())
                .writeVarInt(m.required()).writeVarInt(m.acknowledged());
            if (m.table() != null || m.limit() != null) {
                // trailing fields: absent when unset, so such errors keep their old bytes; an empty
                // table stands for none when only the limit is set
                out.writeString(m.table() == null ? "" : m.table());
            }
            if (m.limit() != null) {
                out.writeString(m.limit());
            }
        } else if (message instanceof Message.MerkleRequest m) {
            out.writeByte(MERKLE_REQUEST).writeString(m.table()).writeVarInt(m.partition()).writeVarLong(m.inner());
        } else if (message instanceof Message.MerkleHashes m) {
            out.writeByte(MERKLE_HASHES).writeVarInt(m.hashes().length);
            for (long h : m.hashes()) {
                out.writeLong(h);
            }
        } else if (message instanceof Message.DigestRequest m) {
            out.writeByte(DIGEST_REQUEST).writeString(m.table()).writeVarInt(m.partition())
                    .writeVarInt(m.buckets().length);
            for (int b : m.buckets()) {
                out.writeVarInt(b);
            }
            if (m.startKey().length > 0) {
                out.writeBytes(m.startKey()); // trailing: absent from a first request
            }
        } else if (message instanceof Message.Digests m) {
            out.writeByte(DIGESTS).writeVarInt(m.digests().size());
            for (Message.KeyDigest d : m.digests()) {
                out.writeBytes(d.key()).writeLong(d.hash());
            }
            if (!m.complete()) {
                out.writeBytes(m.nextKey()); // trailing: absent from a complete answer
            }
        } else if (message instanceof Message.Purge m) {
            out.writeByte(PURGE).writeString(m.table()).writeVarInt(m.partition()).writeBytes(m.key());
            SiblingSetCodec.write(out, m.expected());
        } else if (message instanceof Message.Gossip m) {
            out = new ByteWriter(8 + m.state().length);
            out.writeByte(GOSSIP).writeBytes(m.state());
        } else if (message instanceof Message.GossipReply m) {
            out = new ByteWriter(8 + m.state().length);
            out.writeByte(GOSSIP_REPLY).writeBytes(m.state());
        } else if (message instanceof Message.PartitionPull m) {
            out.writeByte(PARTITION_PULL).writeString(m.table()).writeVarInt(m.partition()).writeBytes(m.startKey())
                    .writeVarInt(m.maxKeys()).writeVarInt(m.maxBytes());
        } else if (message instanceof Message.PartitionChunk m) {
            int size = 16 + m.nextKey().length;
            for (Message.TransferEntry e : m.entries()) {
                size += 10 + e.key().length + e.siblings().length;
            }
            out = new ByteWriter(size);
            out.writeByte(PARTITION_CHUNK).writeVarInt(m.entries().size());
            for (Message.TransferEntry e : m.entries()) {
                out.writeBytes(e.key()).writeBytes(e.siblings());
            }
            out.writeBytes(m.nextKey()).writeByte(m.done() ? 1 : 0);
        } else {
            throw new IllegalArgumentException("unknown message " + message);
        }
        return out.toByteArray();
    }

    /**
     * About the encoded size of the messages that carry values, so that their writer does not
     * grow while encoding (each growth copies what was written: five copies for a 1 KiB value
     * from the default size); 64 bytes for the small ones.
     */
    private static int sizeHint(Message message) {
        if (message instanceof Message.GetResult m) {
            int size = 16 + m.context().length;
            for (Versioned v : m.versions()) {
                size += 16 + v.value().length + SiblingSetCodec.clockSizeHint(v.clock().size());
            }
            return size;
        } else if (message instanceof Message.ReplicaReadResult m) {
            return 8 + SiblingSetCodec.sizeHint(m.siblings());
        } else if (message instanceof Message.ReplicaWrite m) {
            return 64 + m.table().length() + m.key().length + m.hintFor().length()
                    + SiblingSetCodec.sizeHint(m.siblings());
        } else if (message instanceof Message.Purge m) {
            return 64 + m.table().length() + m.key().length + SiblingSetCodec.sizeHint(m.expected());
        } else if (message instanceof Message.Put m) {
            return 64 + m.table().length() + m.key().length + m.context().length + m.value().length;
        }
        return 64;
    }

    /**
     * True when {@code request} is a request an application may send, as opposed to a message
     * between nodes: {@link Message.Get}, {@link Message.Put} (writes and deletes) and
     * {@link Message.RingRequest} (the partition-aware client reads the ring). Looks at the type
     * byte only, so it costs nothing on the request path; a connection that holds a client
     * certificate may send only these (docs/security.md). False for an empty request.
     *
     * <pre>{@code
     * MessageCodec.isClientRequest(MessageCodec.encode(new Message.RingRequest()));   // true
     * MessageCodec.isClientRequest(MessageCodec.encode(new Message.Gossip(state)));   // false
     * }</pre>
     */
    public static boolean isClientRequest(byte[] request) {
        if (request.length == 0) {
            return false;
        }
        int type = request[0] & 0xff;
        return type == GET || type == PUT || type == RING_REQUEST;
    }

    /**
     * Decodes one message.
     *
     * @throws IllegalArgumentException for anything that is not exactly one well-formed message
     */
    public static Message decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty message");
        }
        ByteReader in = new ByteReader(bytes);
        int type = in.readByte();
        Message m = switch (type) {
            case GET -> new Message.Get(in.readString(), in.readBytes(), in.readVarInt(), timeout(in));
            case PUT -> new Message.Put(in.readString(), in.readBytes(), in.readBytes(), in.readBytes(),
                    in.readByte() == 1, in.readVarInt(), timeout(in), in.readByte() == 1);
            case GET_RESULT -> {
                int n = list(in.readVarInt());
                List<Versioned> versions = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    byte[] value = in.readBytes();
                    long ts = in.readVarLong();
                    VectorClock clock = SiblingSetCodec.readClock(in);
                    versions.add(new Versioned(value, ts, clock));
                }
                yield new Message.GetResult(versions, in.readBytes());
            }
            case PUT_RESULT -> new Message.PutResult(in.readBytes());
            case REPLICA_READ -> new Message.ReplicaRead(in.readString(), in.readVarInt(), in.readBytes(),
                    in.readString());
            case REPLICA_READ_RESULT -> new Message.ReplicaReadResult(SiblingSetCodec.read(in));
            case REPLICA_WRITE -> {
                String table = in.readString();
                int partition = in.readVarInt();
                byte[] key = in.readBytes();
                boolean sync = in.readByte() == 1;
                String hintFor = in.readString();
                yield new Message.ReplicaWrite(table, partition, key, SiblingSetCodec.read(in), sync, hintFor);
            }
            case REPLICA_WRITE_RESULT -> new Message.ReplicaWriteResult(in.readByte() == 1,
                    in.remaining() == 0 || in.readByte() == 1);
            case RING_REQUEST -> new Message.RingRequest();
            case RING_RESULT -> {
                byte[] ring = in.readBytes();
                int n = list(in.readVarInt());
                List<Message.NodeAddress> nodes = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    nodes.add(new Message.NodeAddress(in.readString(), in.readString(), in.readString()));
                }
                int t = list(in.readVarInt());
                List<Message.TablePlacement> tables = new ArrayList<>(t);
                for (int i = 0; i < t; i++) {
                    tables.add(new Message.TablePlacement(in.readString(), in.readVarInt(), in.readString()));
                }
                yield new Message.RingResult(ring, nodes, tables);
            }
            case ERROR -> {
                String code = in.readString();
                String text = in.readString();
                int required = in.readVarInt();
                int acknowledged = in.readVarInt();
                String table = in.remaining() > 0 ? in.readString() : null;
                String limit = in.remaining() > 0 ? in.readString() : null;
                yield new Message.Error(code, text, required, acknowledged,
                        table == null || table.isEmpty() ? null : table, limit);
            }
            case MERKLE_REQUEST -> new Message.MerkleRequest(in.readString(), in.readVarInt(), (int) in.readVarLong());
            case MERKLE_HASHES -> {
                int n = list(in.readVarInt());
                long[] hashes = new long[Math.min(n, in.remaining() / 8 + 1)];
                if (n != hashes.length) {
                    throw new IllegalArgumentException("truncated hash list");
                }
                for (int i = 0; i < n; i++) {
                    hashes[i] = in.readLong();
                }
                yield new Message.MerkleHashes(hashes);
            }
            case DIGEST_REQUEST -> {
                String table = in.readString();
                int partition = in.readVarInt();
                int n = list(in.readVarInt());
                if (n > in.remaining()) {
                    throw new IllegalArgumentException("truncated bucket list");
                }
                int[] buckets = new int[n];
                for (int i = 0; i < n; i++) {
                    buckets[i] = in.readVarInt();
                }
                yield new Message.DigestRequest(table, partition, buckets,
                        in.remaining() > 0 ? in.readBytes() : new byte[0]);
            }
            case DIGESTS -> {
                int n = in.readVarInt();
                if (n > in.remaining()) {
                    throw new IllegalArgumentException("truncated digest list");
                }
                List<Message.KeyDigest> digests = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    digests.add(new Message.KeyDigest(in.readBytes(), in.readLong()));
                }
                yield new Message.Digests(digests, in.remaining() > 0 ? in.readBytes() : new byte[0]);
            }
            case PURGE -> {
                String table = in.readString();
                int partition = in.readVarInt();
                byte[] key = in.readBytes();
                yield new Message.Purge(table, partition, key, SiblingSetCodec.read(in));
            }
            case GOSSIP -> new Message.Gossip(in.readBytes());
            case GOSSIP_REPLY -> new Message.GossipReply(in.readBytes());
            case PARTITION_PULL -> {
                String table = in.readString();
                int partition = in.readVarInt();
                byte[] start = in.readBytes();
                int maxKeys = in.readVarInt();
                int maxBytes = in.readVarInt();
                if (maxKeys < 1 || maxBytes < 1) {
                    throw new IllegalArgumentException("partition pull limits must be >= 1");
                }
                yield new Message.PartitionPull(table, partition, start, maxKeys, maxBytes);
            }
            case PARTITION_CHUNK -> {
                int n = list(in.readVarInt());
                if (n > in.remaining()) {
                    throw new IllegalArgumentException("truncated transfer entry list");
                }
                List<Message.TransferEntry> entries = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    entries.add(new Message.TransferEntry(in.readBytes(), in.readBytes()));
                }
                yield new Message.PartitionChunk(entries, in.readBytes(), in.readByte() == 1);
            }
            default -> throw new IllegalArgumentException("unknown message type " + type);
        };
        in.expectEnd();
        return m;
    }

    private static int list(int n) {
        if (n > MAX_LIST) {
            throw new IllegalArgumentException("list of " + n + " elements (at most " + MAX_LIST + ")");
        }
        return n;
    }
}
