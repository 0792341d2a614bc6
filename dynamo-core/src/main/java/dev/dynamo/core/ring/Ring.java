package dev.dynamo.core.ring;

import dev.dynamo.core.spi.Partitioner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * An immutable assignment of Q fixed, equal partitions of the position space to nodes,
 * with a version that grows with every change. Partition {@code i} holds the positions
 * {@code [i·2⁶⁴/Q, (i+1)·2⁶⁴/Q)} (see {@link Partitioner#partitionOfPosition}). Thread-safe.
 *
 * <p>A node in {@link #nodes()} may own no partition (more nodes than partitions, or a
 * tiny capacity); it then appears in no preference list.
 *
 * <pre>{@code
 * Ring ring = new RingPlanner().initial(1024, nodes);
 * int partition = ring.partitionOf(key, Plugins.partitioner("md5"));
 * List<String> replicas = ring.preferenceList(partition, 3); // coordinator first
 * byte[] wire = ring.encode();                                // gossip it
 * Ring same = Ring.decode(wire);
 * }</pre>
 *
 * <p>Rings are built by {@link RingPlanner}, by {@link #decode(byte[])}, or directly with
 * {@link #of(long, List, List)}.
 */
public final class Ring {

    /** Most partitions a ring may have. */
    public static final int MAX_Q = 1 << 20;
    /** Most nodes a ring may list. */
    public static final int MAX_NODES = 1 << 16;

    private final long version;
    private final List<NodeInfo> nodes;
    private final Map<String, Integer> indexById;
    private final int[] owners;
    private final int[][] partitionsByNode;
    private final int ownerCount;
    /** Zone names, sorted; {@code zoneOf[i]} indexes it for node {@code i}. */
    private final List<String> zones;
    private final int[] zoneOf;
    /** Per zone, how many of its nodes own a partition. */
    private final int[] owningPerZone;
    private final int owningZones;
    /**
     * Zone-spread lists, by list length (up to {@link #CACHED_N}) and partition, made on first
     * use: spreading costs a walk far enough to see every zone, and requests ask for the same
     * few lengths over and over. Not part of the ring's value.
     */
    private final AtomicReferenceArray<AtomicReferenceArray<List<String>>> spreadLists =
            new AtomicReferenceArray<>(CACHED_N + 1);
    /** Longest list kept in {@link #spreadLists} (substitute lists, as long as the ring, are not). */
    private static final int CACHED_N = 16;

    /**
     * Takes ownership of {@code owners} (callers pass a fresh array). Validates everything,
     * so a decoded or hand-built ring is as sound as a planned one.
     */
    Ring(long version, List<NodeInfo> nodes, int[] owners) {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
        Objects.requireNonNull(nodes, "nodes");
        if (nodes.isEmpty() || nodes.size() > MAX_NODES) {
            throw new IllegalArgumentException(
                    "number of nodes must be in [1, " + MAX_NODES + "], was " + nodes.size());
        }
        if (owners.length < 1 || owners.length > MAX_Q) {
            throw new IllegalArgumentException("q must be in [1, " + MAX_Q + "], was " + owners.length);
        }
        this.version = version;
        this.nodes = List.copyOf(nodes);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < this.nodes.size(); i++) {
            Integer previous = index.putIfAbsent(this.nodes.get(i).id(), i);
            if (previous != null) {
                throw new IllegalArgumentException("duplicate node id '" + this.nodes.get(i).id() + "'");
            }
        }
        this.indexById = Collections.unmodifiableMap(index);
        int[] counts = new int[this.nodes.size()];
        for (int p = 0; p < owners.length; p++) {
            int owner = owners[p];
            if (owner < 0 || owner >= counts.length) {
                throw new IllegalArgumentException("owner of partition " + p + " is node index " + owner
                        + ", but there are " + counts.length + " nodes");
            }
            counts[owner]++;
        }
        this.owners = owners;
        this.partitionsByNode = new int[counts.length][];
        int owning = 0;
        for (int i = 0; i < counts.length; i++) {
            partitionsByNode[i] = new int[counts[i]];
            if (counts[i] > 0) {
                owning++;
            }
        }
        this.ownerCount = owning;
        int[] filled = new int[counts.length];
        for (int p = 0; p < owners.length; p++) {
            partitionsByNode[owners[p]][filled[owners[p]]++] = p;
        }
        this.zones = this.nodes.stream().map(NodeInfo::zone).distinct().sorted().toList();
        this.zoneOf = new int[counts.length];
        this.owningPerZone = new int[zones.size()];
        int zonesOwning = 0;
        for (int i = 0; i < counts.length; i++) {
            zoneOf[i] = Collections.binarySearch(zones, this.nodes.get(i).zone());
            if (counts[i] > 0 && owningPerZone[zoneOf[i]]++ == 0) {
                zonesOwning++;
            }
        }
        this.owningZones = zonesOwning;
    }

    /**
     * A ring with the given owners: {@code owners.get(p)} is the id of the node owning
     * partition {@code p}, so Q is {@code owners.size()}.
     *
     * @throws IllegalArgumentException if an owner is not among {@code nodes}, ids repeat,
     *                                  or a size or the version is out of range
     */
    public static Ring of(long version, List<NodeInfo> nodes, List<String> owners) {
        Objects.requireNonNull(owners, "owners");
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            index.putIfAbsent(nodes.get(i).id(), i);
        }
        int[] indexes = new int[owners.size()];
        for (int p = 0; p < indexes.length; p++) {
            Integer i = index.get(owners.get(p));
            if (i == null) {
                throw new IllegalArgumentException("owner of partition " + p + " is '" + owners.get(p)
                        + "', which is not among the nodes " + index.keySet());
            }
            indexes[p] = i;
        }
        return new Ring(version, nodes, indexes);
    }

    /** Decodes what {@link #encode()} produced; see {@link #encode()} for the format. */
    public static Ring decode(byte[] bytes) {
        return RingCodec.decode(bytes);
    }

    /**
     * A compact, canonical binary form, to gossip or send to clients:
     * {@code "DR"}, format 1, version (varint), Q (varint), node count (varint), per node
     * id and address (varint length + UTF-8; address length is stored +1, 0 meaning none)
     * and capacity (IEEE double, big-endian), then Q owner indexes (1 byte each up to 256
     * nodes, else 2 bytes big-endian), then a CRC32C of everything before it. A ring with a
     * node outside the {@linkplain NodeInfo#DEFAULT_ZONE default zone} is format 2: the same
     * with each node's zone (varint length + UTF-8) after its capacity; a ring without zones
     * is always format 1, so rings saved or gossiped before zones existed read unchanged.
     * {@code Ring.decode(r.encode()).equals(r)} and equal rings encode to equal bytes.
     */
    public byte[] encode() {
        return RingCodec.encode(this);
    }

    /** Grows with every change; the newer of two rings is the one with the larger version. */
    public long version() {
        return version;
    }

    /** The number of partitions. */
    public int q() {
        return owners.length;
    }

    /** All nodes of the ring, including ones that own no partition, in table order. */
    public List<NodeInfo> nodes() {
        return nodes;
    }

    /** The node with this id, if it is in the ring. */
    public Optional<NodeInfo> node(String nodeId) {
        Integer i = indexById.get(nodeId);
        return i == null ? Optional.empty() : Optional.of(nodes.get(i));
    }

    /** Whether a node with this id is in the ring. */
    public boolean contains(String nodeId) {
        return indexById.containsKey(nodeId);
    }

    /** The id of the node owning {@code partition}. */
    public String ownerOf(int partition) {
        checkPartition(partition);
        return nodes.get(owners[partition]).id();
    }

    /** The partitions owned by {@code nodeId}, ascending; empty if it owns none or is not in the ring. */
    public List<Integer> partitionsOf(String nodeId) {
        Integer i = indexById.get(nodeId);
        if (i == null) {
            return List.of();
        }
        List<Integer> result = new ArrayList<>(partitionsByNode[i].length);
        for (int p : partitionsByNode[i]) {
            result.add(p);
        }
        return Collections.unmodifiableList(result);
    }

    /** The partition of {@code key} under {@code partitioner}. */
    public int partitionOf(byte[] key, Partitioner partitioner) {
        return partitioner.partition(key, owners.length);
    }

    /** The partition holding an (unsigned) position. */
    public int partitionOf(long position) {
        return Partitioner.partitionOfPosition(position, owners.length);
    }

    /**
     * The {@code n} nodes that replicate {@code partition}, its owner (the coordinator) first.
     *
     * <p>With every node in one zone: the first {@code n} distinct nodes met walking the
     * ring from {@code partition} through {@code partition + 1}, ... wrapping around.
     *
     * <p>With several zones the replicas are spread over as many zones as possible: walking
     * the ring the same way, each node gets a rank, the number of nodes of its zone met
     * before it; the list is the {@code n} nodes of lowest rank, by rank and then in walk
     * order. So the first replica of each zone comes before any second one, and no zone
     * holds two more replicas than another zone that still has a node left out. With one
     * zone the rank is the walk position, so the list is exactly the one-zone list above.
     *
     * <p>If fewer than {@code n} nodes own partitions, all of them. Every prefix of a longer
     * list is the shorter list.
     *
     * @throws IllegalArgumentException if {@code n < 1} or the partition is out of range
     */
    public List<String> preferenceList(int partition, int n) {
        checkPartition(partition);
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, was " + n);
        }
        int want = Math.min(n, ownerCount);
        if (owningZones <= 1) {
            return ids(walk(partition, want));
        }
        if (want > CACHED_N) {
            return ids(spreadOverZones(partition, want));
        }
        AtomicReferenceArray<List<String>> lists = spreadLists.get(want);
        if (lists == null) {
            spreadLists.compareAndSet(want, null, new AtomicReferenceArray<>(owners.length));
            lists = spreadLists.get(want);
        }
        List<String> list = lists.get(partition);
        if (list == null) {
            // two threads may both compute it: the same immutable list either way
            list = ids(spreadOverZones(partition, want));
            lists.set(partition, list);
        }
        return list;
    }

    private List<String> ids(int[] found) {
        String[] ids = new String[found.length];
        for (int i = 0; i < found.length; i++) {
            ids[i] = nodes.get(found[i]).id();
        }
        return List.of(ids);
    }

    /** The first {@code want} distinct owners from {@code partition} on, as node indexes. */
    private int[] walk(int partition, int want) {
        int[] found = new int[want];
        boolean[] seen = want > 8 ? new boolean[nodes.size()] : null;
        int count = 0;
        int q = owners.length;
        for (int p = partition; count < want; p = p + 1 == q ? 0 : p + 1) {
            int owner = owners[p];
            if (seen != null) {
                if (!seen[owner]) {
                    seen[owner] = true;
                    found[count++] = owner;
                }
            } else if (!contains(found, count, owner)) {
                found[count++] = owner;
            }
        }
        return found;
    }

    /**
     * The zone-spread list as node indexes. Walks only until no node further on can rank
     * below the {@code want} best found: every unseen node of a zone ranks at least as many
     * as that zone has shown, so once the nodes ranking below the least of those (over zones
     * with nodes left) number {@code want}, the rest of the ring cannot change the answer.
     */
    private int[] spreadOverZones(int partition, int want) {
        int[] seenInZone = new int[zones.size()];
        boolean[] seen = new boolean[nodes.size()];
        int[] order = new int[ownerCount];
        int[] rank = new int[ownerCount];
        int met = 0;
        int q = owners.length;
        for (int steps = 0, p = partition; steps < q; steps++, p = p + 1 == q ? 0 : p + 1) {
            int owner = owners[p];
            if (seen[owner]) {
                continue;
            }
            seen[owner] = true;
            order[met] = owner;
            rank[met] = seenInZone[zoneOf[owner]]++;
            met++;
            if (met == ownerCount || settled(seenInZone, want)) {
                break;
            }
        }
        int[] found = new int[want];
        int count = 0;
        for (int r = 0; count < want; r++) {
            for (int i = 0; i < met && count < want; i++) {
                if (rank[i] == r) {
                    found[count++] = order[i];
                }
            }
        }
        return found;
    }

    private boolean settled(int[] seenInZone, int want) {
        int least = Integer.MAX_VALUE;
        for (int z = 0; z < seenInZone.length; z++) {
            if (seenInZone[z] < owningPerZone[z]) {
                least = Math.min(least, seenInZone[z]);
            }
        }
        if (least == Integer.MAX_VALUE) {
            return true;
        }
        int below = 0;
        for (int count : seenInZone) {
            below += Math.min(count, least);
        }
        return below >= want;
    }

    /** The zones of the ring's nodes, sorted by name ({@link NodeInfo#DEFAULT_ZONE} alone without zones). */
    public List<String> zones() {
        return zones;
    }

    /** The zone of node {@code nodeId}, if it is in the ring. */
    public Optional<String> zoneOf(String nodeId) {
        Integer i = indexById.get(nodeId);
        return i == null ? Optional.empty() : Optional.of(nodes.get(i).zone());
    }

    /** Index in {@link #nodes()} of the owner of {@code partition} (unchecked). */
    int ownerIndex(int partition) {
        return owners[partition];
    }

    private static boolean contains(int[] values, int count, int value) {
        for (int i = 0; i < count; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }

    private void checkPartition(int partition) {
        if (partition < 0 || partition >= owners.length) {
            throw new IllegalArgumentException(
                    "partition must be in [0, " + owners.length + "), was " + partition);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ring other && version == other.version && nodes.equals(other.nodes)
                && Arrays.equals(owners, other.owners);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, nodes, Arrays.hashCode(owners));
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Ring{version=").append(version).append(", q=")
                .append(owners.length).append(", partitions=");
        for (int i = 0; i < nodes.size(); i++) {
            s.append(i == 0 ? "{" : ", ").append(nodes.get(i).id()).append('=').append(partitionsByNode[i].length);
        }
        return s.append("}}").toString();
    }
}
