package dev.dynamo.core.antientropy;

import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.cluster.NodeContext;
import dev.dynamo.core.limits.LimitObserver;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.protocol.Replies;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.store.SiblingStore;
import dev.dynamo.core.store.StorageKeys;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.time.Cancellable;
import dev.dynamo.core.time.Scheduler;
import dev.dynamo.core.version.SiblingSet;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merkle-tree anti-entropy between the replicas of each (table, partition). Trees are kept
 * current by every write (see {@link MerkleTree}); an exchange walks from the root's
 * children down to the differing buckets, then compares key digests of those buckets only,
 * and repairs each differing key both ways by merging sibling sets. Repairs are paced by a
 * keys-per-second limit so anti-entropy never crowds out client traffic, and repairs with a
 * peer in another zone also by their own, usually lower, limit: traffic between data
 * centers is slower and costs money (docs/zones.md).
 *
 * <pre>{@code
 * AntiEntropy ae = node.background().antiEntropy();
 * ae.repair(null).join();            // every table, every partition this node replicates
 * ae.progress();                     // partitions done / total, keys repaired, bytes exchanged
 * }</pre>
 */
public final class AntiEntropy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AntiEntropy.class);

    /** Where a repair stands. */
    public record Progress(boolean running, int partitionsDone, int partitionsTotal, long keysRepaired,
                           long bytesExchanged, long runs) {
    }

    /** The setting that bounds a digest answer, as refusals are counted. */
    public static final String MAX_DIGESTS = "anti-entropy.max-digests";
    /** Default of {@link #MAX_DIGESTS}. */
    public static final int DEFAULT_MAX_DIGESTS = 10_000;
    /** About the most key bytes one digest answer holds, whatever the count (keys may be long). */
    public static final int MAX_DIGEST_BYTES = 1 << 20;

    private final String self;
    private final Map<String, Table> tables;
    private final Map<String, MerkleTree[]> trees = new HashMap<>();
    private final Supplier<ClusterState> cluster;
    private final Transport transport;
    private final Scheduler scheduler;
    private final long intervalMillis;
    private final long millisPerKey;
    private final long requestTimeoutMillis;
    private final int maxDigests;
    private final LimitObserver limits;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong keysRepaired = new AtomicLong();
    private final AtomicLong bytesExchanged = new AtomicLong();
    private final AtomicLong runs = new AtomicLong();
    private volatile int partitionsDone;
    private volatile int partitionsTotal;
    private long nextKeyAt;
    /** Paces repairs with peers of another zone; guarded by this. */
    private final KeyPacer crossZone;
    private volatile Cancellable timer;
    private volatile boolean closed;

    public AntiEntropy(NodeContext node, long intervalMillis, int keysPerSecond) {
        this(node, intervalMillis, keysPerSecond, DEFAULT_MAX_DIGESTS);
    }

    /**
     * @param maxDigests most key digests in one answer to a peer, and in one page of this
     *                   node's own side of a comparison (setting {@value #MAX_DIGESTS})
     */
    public AntiEntropy(NodeContext node, long intervalMillis, int keysPerSecond, int maxDigests) {
        this(node, intervalMillis, keysPerSecond, maxDigests, keysPerSecond);
    }

    /**
     * @param maxDigests              most key digests in one answer to a peer, and in one page of
     *                                this node's own side of a comparison (setting {@value #MAX_DIGESTS})
     * @param crossZoneKeysPerSecond  most keys repaired per second with peers of other zones, on
     *                                top of {@code keysPerSecond} for all peers
     */
    public AntiEntropy(NodeContext node, long intervalMillis, int keysPerSecond, int maxDigests,
                       int crossZoneKeysPerSecond) {
        this.crossZone = new KeyPacer(crossZoneKeysPerSecond);
        if (maxDigests < 1) {
            throw new IllegalArgumentException("max digests must be >= 1, was " + maxDigests);
        }
        this.maxDigests = maxDigests;
        this.limits = node.limits();
        this.self = node.self();
        this.tables = node.tables();
        this.cluster = node.cluster();
        this.transport = node.transport();
        this.scheduler = node.scheduler();
        this.intervalMillis = intervalMillis;
        this.millisPerKey = Math.max(0, 1000L / keysPerSecond);
        this.requestTimeoutMillis = node.requestTimeoutMillis();
        int q = cluster.get().ring().q();
        for (Table t : tables.values()) {
            MerkleTree[] perPartition = new MerkleTree[q];
            for (int p = 0; p < q; p++) {
                perPartition[p] = new MerkleTree();
            }
            trees.put(t.config().name(), perPartition);
            // build once from what is stored, then keep current from every write
            t.store().scanRange(null, null, kv -> {
                perPartition[StorageKeys.partition(kv.key()) % q].update(kv.key(), null, kv.value());
                return true;
            });
            t.store().setWriteListener((sk, oldValue, newValue) ->
                    perPartition[StorageKeys.partition(sk) % q].update(sk, oldValue, newValue));
        }
    }

    /** Starts the periodic exchange (interval 0: operator-started only). */
    public void start() {
        if (intervalMillis > 0) {
            schedule();
        }
    }

    private void schedule() {
        if (!closed) {
            timer = scheduler.schedule(() -> repair(null, false).whenComplete((r, e) -> schedule()), intervalMillis);
        }
    }

    public Progress progress() {
        return new Progress(running.get(), partitionsDone, partitionsTotal, keysRepaired.get(), bytesExchanged.get(),
                runs.get());
    }

    public MerkleTree tree(String table, int partition) {
        return trees.get(table)[partition];
    }

    // ------------------------------------------------------------------ serving peers

    public Message.MerkleHashes hashes(Message.MerkleRequest r) {
        MerkleTree tree = treeOf(r.table(), r.partition());
        if (r.inner() < -1 || r.inner() >= MerkleTree.FANOUT) {
            // a peer's bad request, not this node's failure: answered as bad_request, not internal
            throw new dev.dynamo.api.BadRequestException("inner node " + r.inner() + " out of range");
        }
        return new Message.MerkleHashes(r.inner() == -1 ? tree.inner() : tree.leavesUnder(r.inner()));
    }

    /**
     * Serves a peer's digest request: at most {@code maxDigests} digests and about
     * {@link #MAX_DIGEST_BYTES} of keys, whatever the peer asked for; a cut answer names the
     * key to go on from, and is counted against {@value #MAX_DIGESTS}.
     */
    public Message.Digests digests(Message.DigestRequest r) {
        treeOf(r.table(), r.partition());
        Page page = localDigests(tables.get(r.table()), r.partition(), r.buckets(), r.startKey(), maxDigests);
        if (page.next() != null) {
            limits.refused(MAX_DIGESTS);
        }
        return new Message.Digests(page.digests(), page.next() == null ? new byte[0] : page.next());
    }

    private MerkleTree treeOf(String table, int partition) {
        MerkleTree[] t = trees.get(table);
        if (t == null) {
            throw new dev.dynamo.api.UnknownTableException(table);
        }
        if (partition < 0 || partition >= t.length) {
            throw new dev.dynamo.api.BadRequestException("partition " + partition + " out of range");
        }
        return t[partition];
    }

    /** Digests in key order from a start key; {@code next} is where the next page starts, null when none is left. */
    private record Page(List<Message.KeyDigest> digests, byte[] next) {
    }

    private static Page localDigests(Table t, int partition, int[] buckets, byte[] startKey, int max) {
        boolean[] wanted = new boolean[MerkleTree.LEAVES];
        for (int b : buckets) {
            if (b >= 0 && b < MerkleTree.LEAVES) {
                wanted[b] = true;
            }
        }
        List<Message.KeyDigest> out = new ArrayList<>();
        long[] bytes = {0};
        byte[][] next = {null};
        t.store().scanRange(StorageKeys.of(partition, startKey), StorageKeys.partitionEnd(partition), kv -> {
            if (!wanted[MerkleTree.bucket(kv.key())]) {
                return true;
            }
            byte[] key = StorageKeys.userKey(kv.key());
            if (out.size() >= max || (bytes[0] >= MAX_DIGEST_BYTES && !out.isEmpty())) {
                next[0] = key;
                return false;
            }
            out.add(new Message.KeyDigest(key, MerkleTree.entryHash(kv.key(), kv.value())));
            bytes[0] += key.length + 8;
            return true;
        });
        return new Page(out, next[0]);
    }

    // ------------------------------------------------------------------ running a repair

    /**
     * Exchanges with every other replica of every partition this node replicates, for one
     * table or all (null). Completes when done; a second call while one runs joins nothing
     * and completes at once with the current progress.
     */
    public CompletableFuture<Progress> repair(String tableOrNull) {
        return repair(tableOrNull, true);
    }

    /**
     * @param allPeers false for the periodic run, where of each pair of replicas only the one
     *                 with the smaller id starts the exchange (an exchange repairs both ways)
     */
    public CompletableFuture<Progress> repair(String tableOrNull, boolean allPeers) {
        if (!running.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(progress());
        }
        ClusterState state = cluster.get();
        List<Exchange> work = new ArrayList<>();
        for (Table t : tables.values()) {
            if (tableOrNull != null && !t.config().name().equals(tableOrNull)) {
                continue;
            }
            for (int p = 0; p < state.ring().q(); p++) {
                List<String> pref = state.ring().preferenceList(p, t.config().n());
                if (!pref.contains(self)) {
                    continue;
                }
                for (String peer : pref) {
                    // each pair exchanges once per run: the smaller id starts it
                    if (!peer.equals(self) && (allPeers || self.compareTo(peer) < 0)) {
                        work.add(new Exchange(t, p, peer));
                    }
                }
            }
        }
        partitionsTotal = work.size();
        partitionsDone = 0;
        runs.incrementAndGet();
        if (work.isEmpty()) {
            running.set(false);
            return CompletableFuture.completedFuture(progress());
        }
        LOG.info("anti-entropy: {} exchanges to run", work.size());
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (Exchange e : work) {
            chain = chain.thenCompose(v -> closed ? CompletableFuture.completedFuture(null)
                    : exchange(e).handle((ok, err) -> {
                        if (err != null) {
                            LOG.debug("anti-entropy with {} on {}/{} failed: {}", e.peer, e.table.config().name(),
                                    e.partition, err.toString());
                        }
                        partitionsDone++;
                        return null;
                    }));
        }
        return chain.handle((v, e) -> {
            running.set(false);
            LOG.info("anti-entropy: done, {} keys repaired so far", keysRepaired.get());
            return progress();
        });
    }

    private record Exchange(Table table, int partition, String peer) {
    }

    private CompletableFuture<Void> exchange(Exchange e) {
        String name = e.table.config().name();
        MerkleTree tree = tree(name, e.partition);
        return ask(e.peer, new Message.MerkleRequest(name, e.partition, -1), Message.MerkleHashes.class)
                .thenCompose(theirs -> {
                    long[] mine = tree.inner();
                    List<CompletableFuture<List<Integer>>> buckets = new ArrayList<>();
                    for (int i = 0; i < MerkleTree.FANOUT; i++) {
                        if (i < theirs.hashes().length && mine[i] != theirs.hashes()[i]) {
                            int inner = i;
                            buckets.add(ask(e.peer, new Message.MerkleRequest(name, e.partition, inner),
                                    Message.MerkleHashes.class).thenApply(leaves -> {
                                        long[] myLeaves = tree.leavesUnder(inner);
                                        List<Integer> diff = new ArrayList<>();
                                        for (int j = 0; j < MerkleTree.FANOUT && j < leaves.hashes().length; j++) {
                                            if (myLeaves[j] != leaves.hashes()[j]) {
                                                diff.add(inner * MerkleTree.FANOUT + j);
                                            }
                                        }
                                        return diff;
                                    }));
                        }
                    }
                    return CompletableFuture.allOf(buckets.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
                        List<Integer> all = new ArrayList<>();
                        buckets.forEach(f -> all.addAll(f.join()));
                        return all;
                    });
                })
                .thenCompose(buckets -> buckets.isEmpty() ? CompletableFuture.completedFuture(null)
                        : compareAndRepair(e, buckets.stream().mapToInt(Integer::intValue).toArray(), new byte[0]));
    }

    /**
     * Compares the key digests of the differing buckets a page at a time, from
     * {@code startKey}, and repairs each page's differing keys before asking for the next.
     * A page ends where the shorter of the two sides was cut (the peer's answer or this
     * node's own {@code maxDigests}), so neither side ever holds more than one page.
     */
    private CompletableFuture<Void> compareAndRepair(Exchange e, int[] buckets, byte[] startKey) {
        String name = e.table.config().name();
        return ask(e.peer, new Message.DigestRequest(name, e.partition, buckets, startKey), Message.Digests.class)
                .thenCompose(theirs -> {
                    Page mine = localDigests(e.table, e.partition, buckets, startKey, maxDigests);
                    byte[] end = earlier(theirs.complete() ? null : theirs.nextKey(), mine.next());
                    if (end != null && Arrays.compareUnsigned(end, startKey) <= 0) {
                        // a peer must answer with at least one key before its next one
                        return CompletableFuture.failedFuture(new IllegalStateException("anti-entropy peer "
                                + e.peer + " answered digests that do not move forward"));
                    }
                    List<byte[]> diff = differing(theirs.digests(), mine.digests(), end);
                    return repairKeys(e, diff, 0).thenCompose(v -> end == null || closed
                            ? CompletableFuture.completedFuture(null) : compareAndRepair(e, buckets, end));
                });
    }

    /** The smaller of two page ends (null: the partition's end). */
    private static byte[] earlier(byte[] a, byte[] b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return Arrays.compareUnsigned(a, b) <= 0 ? a : b;
    }

    /** Keys before {@code end} (null: all) whose digests differ or that only one side has. */
    private static List<byte[]> differing(List<Message.KeyDigest> theirs, List<Message.KeyDigest> ours, byte[] end) {
        Map<ByteBuffer, Long> mine = new LinkedHashMap<>();
        for (Message.KeyDigest d : ours) {
            if (end == null || Arrays.compareUnsigned(d.key(), end) < 0) {
                mine.put(ByteBuffer.wrap(d.key()), d.hash());
            }
        }
        List<byte[]> diff = new ArrayList<>();
        for (Message.KeyDigest d : theirs) {
            if (end != null && Arrays.compareUnsigned(d.key(), end) >= 0) {
                continue;
            }
            Long h = mine.remove(ByteBuffer.wrap(d.key()));
            if (h == null || h != d.hash()) {
                diff.add(d.key());
            }
        }
        mine.keySet().forEach(k -> diff.add(Arrays.copyOfRange(k.array(), 0, k.array().length)));
        return diff;
    }

    /** Repairs keys one after another, paced by the keys-per-second limit. */
    private CompletableFuture<Void> repairKeys(Exchange e, List<byte[]> keys, int index) {
        if (index >= keys.size() || closed) {
            return CompletableFuture.completedFuture(null);
        }
        long wait = pace(e.peer);
        CompletableFuture<Void> start = new CompletableFuture<>();
        if (wait > 0) {
            scheduler.schedule(() -> start.complete(null), wait);
        } else {
            start.complete(null);
        }
        return start.thenCompose(v -> repairKey(e, keys.get(index)))
                .thenCompose(v -> repairKeys(e, keys, index + 1));
    }

    private synchronized long pace(String peer) {
        long now = scheduler.clock().millis();
        long at = Math.max(now, nextKeyAt);
        nextKeyAt = at + millisPerKey;
        Ring ring = cluster.get().ring();
        String here = ring.zoneOf(self).orElse(NodeInfo.DEFAULT_ZONE);
        if (!here.equals(ring.zoneOf(peer).orElse(NodeInfo.DEFAULT_ZONE))) {
            // a key to another zone also waits for its own budget, without holding up the overall one
            at += crossZone.reserve(at);
        }
        return at - now;
    }

    private CompletableFuture<Void> repairKey(Exchange e, byte[] key) {
        String name = e.table.config().name();
        SiblingStore store = e.table.store();
        return ask(e.peer, new Message.ReplicaRead(name, e.partition, key), Message.ReplicaReadResult.class)
                .thenCompose(theirs -> {
                    SiblingSet merged = store.merge(e.partition, key, theirs.siblings()).set();
                    keysRepaired.incrementAndGet();
                    if (!merged.hasVersionsMissingFrom(theirs.siblings())) {
                        return CompletableFuture.completedFuture(null);
                    }
                    return ask(e.peer, new Message.ReplicaWrite(name, e.partition, key, merged, false),
                            Message.ReplicaWriteResult.class).thenApply(r -> null);
                });
    }

    private <T extends Message> CompletableFuture<T> ask(String peer, Message request, Class<T> type) {
        byte[] bytes = MessageCodec.encode(request);
        bytesExchanged.addAndGet(bytes.length);
        return transport.send(peer, bytes, requestTimeoutMillis).thenApply(reply -> {
            bytesExchanged.addAndGet(reply.length);
            return Replies.expect(reply, type);
        });
    }

    @Override
    public void close() {
        closed = true;
        Cancellable t = timer;
        if (t != null) {
            t.cancel();
        }
    }
}
