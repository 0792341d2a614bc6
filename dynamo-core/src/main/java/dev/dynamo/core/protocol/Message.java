package dev.dynamo.core.protocol;

import dev.dynamo.api.Versioned;
import dev.dynamo.core.version.SiblingSet;
import java.util.List;
import java.util.Objects;

/**
 * Every message of the binary protocol, between clients and nodes and between nodes.
 * Encoded by {@link MessageCodec}; transports carry the bytes without looking inside.
 */
public sealed interface Message {

    /** Client (or non-replica node) asks a coordinator to read a key. r = 0: the table's r. */
    record Get(String table, byte[] key, int r, long timeoutMillis) implements Message {
        public Get {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * Asks a coordinator to write a value or (tombstone) a delete. w = 0: the table's w.
     * {@code forwarded} marks a write a non-replica node passed on, so it is not passed on again.
     */
    record Put(String table, byte[] key, byte[] context, byte[] value, boolean tombstone, int w,
               long timeoutMillis, boolean forwarded) implements Message {
        public Put {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(value, "value");
        }
    }

    /** A get's answer: reconciled versions (none: not found) and the context to write back with. */
    record GetResult(List<Versioned> versions, byte[] context) implements Message {
        public GetResult {
            versions = List.copyOf(versions);
        }
    }

    /** A put's answer: the context of the new version. */
    record PutResult(byte[] context) implements Message {
    }

    /**
     * Coordinator asks a replica for its sibling set of a key. A non-empty {@code hintFor}
     * asks a sloppy-quorum substitute for what it holds on behalf of that node.
     */
    record ReplicaRead(String table, int partition, byte[] key, String hintFor) implements Message {
        public ReplicaRead {
            Objects.requireNonNull(hintFor, "hintFor");
        }

        public ReplicaRead(String table, int partition, byte[] key) {
            this(table, partition, key, "");
        }
    }

    record ReplicaReadResult(SiblingSet siblings) implements Message {
    }

    /**
     * Coordinator (or read repair, hinted handoff, anti-entropy) gives a replica a sibling set
     * to merge. {@code sync}: make it durable before answering. A non-empty {@code hintFor}
     * makes the receiver a sloppy-quorum substitute: it keeps the set as a hint for that node.
     */
    record ReplicaWrite(String table, int partition, byte[] key, SiblingSet siblings, boolean sync, String hintFor)
            implements Message {
        public ReplicaWrite {
            Objects.requireNonNull(hintFor, "hintFor");
        }

        public ReplicaWrite(String table, int partition, byte[] key, SiblingSet siblings, boolean sync) {
            this(table, partition, key, siblings, sync, "");
        }
    }

    /**
     * {@code changed == false}: the replica already had everything (an obsolete write).
     * {@code replica == false}: the receiver stored the versions but is not one of the key's
     * replicas under its ring (nor receiving the partition in a move, nor keeping them as a
     * hint): its answer does not count towards a write quorum (docs/consistency.md).
     */
    record ReplicaWriteResult(boolean changed, boolean replica) implements Message {
        /** An answer of a replica. */
        public ReplicaWriteResult(boolean changed) {
            this(changed, true);
        }
    }

    /**
     * Anti-entropy: asks a replica for Merkle hashes of one (table, partition): the root's
     * children when {@code inner} is -1, else the buckets under inner node {@code inner}.
     */
    record MerkleRequest(String table, int partition, int inner) implements Message {
    }

    record MerkleHashes(long[] hashes) implements Message {
    }

    /**
     * Anti-entropy: asks for (key, entry hash) of the keys in the given buckets, in key order
     * from {@code startKey} (inclusive; empty: the partition's first key). The answer holds
     * as many as the receiver's limit allows and says where to go on ({@link Digests#nextKey}).
     */
    record DigestRequest(String table, int partition, int[] buckets, byte[] startKey) implements Message {
        public DigestRequest {
            Objects.requireNonNull(buckets, "buckets");
            Objects.requireNonNull(startKey, "startKey");
        }

        /** From the partition's first key. */
        public DigestRequest(String table, int partition, int[] buckets) {
            this(table, partition, buckets, new byte[0]);
        }
    }

    /** One key's digest: its user key and the hash of its stored sibling set. */
    record KeyDigest(byte[] key, long hash) {
    }

    /**
     * A {@link DigestRequest}'s answer, in key order. {@code nextKey} empty: every key of the
     * requested buckets from the start key is in it; else the answer was cut at the
     * receiver's limit and the next request starts at {@code nextKey}.
     */
    record Digests(List<KeyDigest> digests, byte[] nextKey) implements Message {
        public Digests {
            digests = List.copyOf(digests);
            Objects.requireNonNull(nextKey, "nextKey");
        }

        /** A complete answer. */
        public Digests(List<KeyDigest> digests) {
            this(digests, new byte[0]);
        }

        public boolean complete() {
            return nextKey.length == 0;
        }
    }

    /**
     * Tombstone purge: remove the key if it still holds exactly {@code expected}; answered
     * with {@link ReplicaWriteResult} (changed = removed).
     */
    record Purge(String table, int partition, byte[] key, SiblingSet expected) implements Message {
    }

    /** Asks any node for the ring, node addresses and table placement settings. */
    record RingRequest() implements Message {
    }

    /** A node of the ring as clients see it. */
    record NodeAddress(String id, String binaryAddress, String httpAddress) {
    }

    /** A table's placement settings as clients see them. */
    record TablePlacement(String name, int n, String partitioner) {
    }

    record RingResult(byte[] ring, List<NodeAddress> nodes, List<TablePlacement> tables) implements Message {
        public RingResult {
            nodes = List.copyOf(nodes);
            tables = List.copyOf(tables);
        }
    }

    /**
     * Membership gossip: the sender's whole view, encoded by
     * {@code dev.dynamo.core.membership.GossipState}; answered with {@link GossipReply}
     * carrying the receiver's view after merging.
     */
    record Gossip(byte[] state) implements Message {
        public Gossip {
            Objects.requireNonNull(state, "state");
        }
    }

    record GossipReply(byte[] state) implements Message {
        public GossipReply {
            Objects.requireNonNull(state, "state");
        }
    }

    /**
     * Data movement: a new replica asks an old one for the stored keys of one (table,
     * partition) from {@code startKey} (inclusive, in key order), at most {@code maxKeys}
     * keys and about {@code maxBytes}; answered with {@link PartitionChunk}.
     */
    record PartitionPull(String table, int partition, byte[] startKey, int maxKeys, int maxBytes)
            implements Message {
        public PartitionPull {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(startKey, "startKey");
            if (partition < 0 || maxKeys < 1 || maxBytes < 1) {
                throw new IllegalArgumentException("partition must be >= 0 and maxKeys, maxBytes >= 1, were "
                        + partition + ", " + maxKeys + ", " + maxBytes);
            }
        }
    }

    /** One stored key in a {@link PartitionChunk}: the user key and its encoded sibling set. */
    record TransferEntry(byte[] key, byte[] siblings) {
        public TransferEntry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(siblings, "siblings");
        }
    }

    /**
     * A {@link PartitionPull}'s answer: entries in key order; the next pull starts at
     * {@code nextKey}; {@code done} when the partition has no more keys.
     */
    record PartitionChunk(List<TransferEntry> entries, byte[] nextKey, boolean done) implements Message {
        public PartitionChunk {
            entries = List.copyOf(entries);
            Objects.requireNonNull(nextKey, "nextKey");
        }
    }

    /**
     * A failure, typed: {@code code} is an {@link dev.dynamo.api.ErrorCode}'s wire name (a
     * receiver treats a name it does not know as {@code internal}), {@code message} the
     * human-readable text, never parsed. The typed fields of the codes that have them:
     * {@code insufficient_replicas} its required and acknowledged counts;
     * {@code value_too_large} the value's size and the limit in those two counts, and its
     * table; {@code unknown_table} its table; {@code limit_exceeded}, {@code too_many_siblings}
     * and {@code overloaded} the request's value and the limit in the two counts and the
     * limit's setting in {@code limit}. {@code table} and {@code limit} are null for the other
     * codes, and in errors from nodes that predate them (see {@link MessageCodec}).
     *
     * @param required     the required count, a value's size, or a limited value; 0 when the code has none
     * @param acknowledged the acknowledged count, or the limit; 0 when the code has none
     * @param table        the table the error is about, or null
     * @param limit        the setting of the limit the request went over, or null
     */
    record Error(String code, String message, int required, int acknowledged, String table, String limit)
            implements Message {
        public Error {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }

        /** An error about no limit. */
        public Error(String code, String message, int required, int acknowledged, String table) {
            this(code, message, required, acknowledged, table, null);
        }

        /** An error about no table and no limit. */
        public Error(String code, String message, int required, int acknowledged) {
            this(code, message, required, acknowledged, null, null);
        }
    }
}
